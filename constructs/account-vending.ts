import { OrganizationsAccount } from "@cdktf/provider-aws/lib/organizations-account";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";
import { TerraformIterator, TerraformOutput } from "./cdktf.js";
import { importExisting } from "./imports.js";

/** One member account as AWS Organizations knows it. */
export interface VendedAccount {
  readonly name: string;
  readonly email: string;
  /** Existing account id, imported into state; absent for an account still to be created. */
  readonly id?: string;
  /**
   * Id of the root or unit the account lives in; changing it moves the account in place.
   * @default - left where it is (created at the root)
   */
  readonly parentId?: string;
}

/** Props of {@link AccountVending}. */
export interface AccountVendingProps {
  /** Member accounts by stable key. */
  readonly accounts: Readonly<Record<string, VendedAccount>>;
  /** Role Organizations creates in a new account for Terraform to assume. */
  readonly roleName: string;
  readonly provider?: AwsProvider;
}

/** Name of the management workspace's output that maps each member account's key to its id, vended ones included. */
export const ACCOUNT_IDS_OUTPUT = "account_ids";

/**
 * Every member account as one `for_each` resource with `prevent_destroy`: accounts without
 * an id are created (vended); accounts with one are imported. Because the block stays in
 * the configuration when a key leaves the map, deleting an account from the inventory makes
 * the plan fail instead of closing the account. Name and email changes are ignored: AWS
 * cannot rename an account's root email through this API without replacing it.
 */
export class AccountVending extends Construct {
  constructor(scope: Construct, id: string, props: AccountVendingProps) {
    super(scope, id);
    const entries = Object.fromEntries(
      Object.entries(props.accounts).map(([key, account]) => [
        key,
        { name: account.name, email: account.email, parent: account.parentId ?? null },
      ]),
    );
    const each = TerraformIterator.fromMap(entries);
    const accounts = new OrganizationsAccount(this, "Resource", {
      provider: props.provider,
      forEach: each,
      name: each.getString("name"),
      email: each.getString("email"),
      // null leaves parent_id unset: the account stays where it is.
      parentId: each.getString("parent"),
      roleName: props.roleName,
      closeOnDeletion: false,
      iamUserAccessToBilling: "ALLOW",
      tags: { "fleetfile:account": each.key },
      lifecycle: { preventDestroy: true, ignoreChanges: ["name", "email", "role_name", "iam_user_access_to_billing"] },
    });
    accounts.overrideLogicalId("accounts");
    for (const [key, account] of Object.entries(props.accounts)) {
      if (account.id) importExisting(accounts, account.id, key);
    }
    // Read after an apply to write the ids of vended accounts back into the inventory (cli/record-ids.ts).
    const vended = TerraformIterator.fromResources(accounts);
    new TerraformOutput(this, "ids", {
      value: vended.forExpressionForMap("key", "val.id"),
      description: "Id of every member account, by inventory key",
    }).overrideLogicalId(ACCOUNT_IDS_OUTPUT);
  }
}
