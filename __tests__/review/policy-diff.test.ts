import { describe, expect, it } from "vitest";
import { isPolicyText, policyFindings, principalWords } from "../../review/policy-diff.js";

const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const trust = (principals: string[], condition?: object) => ({
  Effect: "Allow",
  Principal: { AWS: principals },
  Action: "sts:AssumeRole",
  ...(condition ? { Condition: condition } : {}),
});
const OWNERS = "arn:aws:iam::555555555555:role/payments-owners";
const CONTRACTORS = "arn:aws:iam::555555555555:role/payments-contractors";
const MFA = { Bool: { "aws:MultiFactorAuthPresent": "true" } };

describe("policyFindings", () => {
  it("says in words who may now assume the role, as widening access", () => {
    const findings = policyFindings(doc(trust([OWNERS], MFA)), doc(trust([OWNERS, CONTRACTORS], MFA)), {
      attribute: "assume_role_policy",
      roleName: "developer",
    });
    expect(findings).toEqual([
      { text: "`payments-contractors` (555555555555) may now assume `developer`", security: true },
    ]);
  });

  it("says who may no longer assume it, as narrowing", () => {
    const findings = policyFindings(doc(trust([OWNERS, CONTRACTORS])), doc(trust([OWNERS])), {
      attribute: "assume_role_policy",
      roleName: "developer",
    });
    expect(findings).toEqual([
      { text: "`payments-contractors` (555555555555) may no longer assume `developer`", security: false },
    ]);
  });

  it("flags a dropped MFA condition as security-sensitive", () => {
    const findings = policyFindings(doc(trust([OWNERS], MFA)), doc(trust([OWNERS])), {
      attribute: "assume_role_policy",
    });
    expect(findings).toEqual([
      { text: 'statement #1: condition `Bool aws:MultiFactorAuthPresent` ["true"] dropped', security: true },
    ]);
  });

  it("finds nothing when only the formatting or order changed", () => {
    const a = doc({ Sid: "A", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "*" });
    const b = JSON.stringify({
      Statement: [{ Resource: ["*"], Action: ["s3:PutObject", "s3:GetObject"], Effect: "Allow", Sid: "A" }],
      Version: "2012-10-17",
    });
    expect(policyFindings(a, b, { attribute: "policy" })).toEqual([]);
  });

  it("reports actions and resources an Allow gains as widening and ones a Deny loses as widening", () => {
    const before = doc(
      { Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::a/*" },
      { Sid: "Guard", Effect: "Deny", Action: ["s3:DeleteObject", "s3:PutBucketPolicy"], Resource: "*" },
    );
    const after = doc(
      {
        Sid: "Read",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject"],
        Resource: ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"],
      },
      { Sid: "Guard", Effect: "Deny", Action: ["s3:DeleteObject"], Resource: "*" },
    );
    expect(policyFindings(before, after, { attribute: "policy" })).toEqual([
      { text: "statement Read: now allows `s3:PutObject`", security: true },
      { text: "statement Read: now covers `arn:aws:s3:::b/*`", security: true },
      { text: "statement Guard: no longer denies `s3:PutBucketPolicy`", security: true },
    ]);
  });

  it("describes statements added and removed, flagging a new Allow and a removed Deny", () => {
    const guard = { Sid: "DenyLeave", Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*" };
    const admin = { Sid: "All", Effect: "Allow", Action: "*", Resource: "*" };
    expect(policyFindings(doc(guard), doc(admin), { attribute: "content" })).toEqual([
      { text: "new statement All allows `*` on `*`", security: true },
      {
        text: "statement DenyLeave removed: it denies `organizations:LeaveOrganization` on `*`",
        security: true,
      },
    ]);
  });

  it("reports a changed condition value", () => {
    const before = doc(trust([OWNERS], { StringEquals: { "aws:PrincipalOrgID": "o-aaaa" } }));
    const after = doc(trust([OWNERS], { StringEquals: { "aws:PrincipalOrgID": "o-bbbb" } }));
    expect(policyFindings(before, after, { attribute: "assume_role_policy" })).toEqual([
      {
        text: 'statement #1: condition `StringEquals aws:PrincipalOrgID` changed from ["o-aaaa"] to ["o-bbbb"]',
        security: true,
      },
    ]);
  });
});

describe("isPolicyText and principalWords", () => {
  it("knows a policy document from other JSON and from plain text", () => {
    expect(isPolicyText(doc(trust([OWNERS])))).toBe(true);
    expect(isPolicyText('{"a": 1}')).toBe(false);
    expect(isPolicyText("{not json")).toBe(false);
    expect(isPolicyText(3)).toBe(false);
  });

  it("names roles by name and account, and says what a root ARN and * mean", () => {
    expect(principalWords(CONTRACTORS)).toBe("`payments-contractors` (555555555555)");
    expect(principalWords("arn:aws:iam::111111111111:root")).toBe("any principal of account 111111111111");
    expect(principalWords("*")).toBe("anyone (`*`)");
    expect(principalWords("Service:config.amazonaws.com")).toBe("`Service:config.amazonaws.com`");
  });
});
