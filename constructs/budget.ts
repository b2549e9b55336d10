import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";

/** Props of {@link Budget}. */
export interface BudgetProps {
  readonly budgetName: string;
  readonly monthlyUsd: number;
  /** Topic that receives the alerts (the account's alert topic). */
  readonly topicArn: string;
  readonly provider?: AwsProvider;
}

/** A monthly cost budget that alerts at 80 % of actual and 100 % of forecast spend. */
export class Budget extends Construct {
  constructor(scope: Construct, id: string, props: BudgetProps) {
    super(scope, id);
    const alert = (type: "ACTUAL" | "FORECASTED", threshold: number) => ({
      comparisonOperator: "GREATER_THAN",
      notificationType: type,
      threshold,
      thresholdType: "PERCENTAGE",
      subscriberSnsTopicArns: [props.topicArn],
    });
    new BudgetsBudget(this, "Resource", {
      provider: props.provider,
      name: props.budgetName,
      budgetType: "COST",
      limitAmount: props.monthlyUsd.toFixed(2),
      limitUnit: "USD",
      timeUnit: "MONTHLY",
      notification: [alert("ACTUAL", 80), alert("FORECASTED", 100)],
    });
  }
}
