/**
 * The one door to the CDK for Terraform runtime.
 *
 * cdktf was archived in December 2025 and lives on as CDK Terrain (cdktn). Everything in
 * this project imports cdktf through this file, so that moving is a change here (and of
 * the provider package names), not in every construct.
 */
export {
  App,
  CloudBackend,
  Fn,
  type ITerraformDependable,
  LocalBackend,
  NamedCloudWorkspace,
  S3Backend,
  TerraformElement,
  TerraformIterator,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
} from "cdktf";
