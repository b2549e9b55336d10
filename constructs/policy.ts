/** One statement of an IAM policy document, as AWS writes it. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | Record<string, string | readonly string[]>;
  readonly NotPrincipal?: Record<string, string | readonly string[]>;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | boolean | number | readonly string[]>>;
}

/** A policy document as JSON text; cdktf resolves tokens (ARNs of other resources) inside it. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** Denies every request that does not use TLS (CIS 2.1.1 / FSBP S3.5). */
export function denyInsecureTransport(resources: readonly string[]): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: resources,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** A trust policy letting an AWS service assume a role. */
export function serviceTrust(service: string, condition?: PolicyStatement["Condition"]): string {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Service: service },
      Action: "sts:AssumeRole",
      ...(condition ? { Condition: condition } : {}),
    },
  ]);
}
