/**
 * Evaluates the CloudFormation intrinsic functions a packaged template uses (Ref, Fn::GetAtt, Fn::Join, Fn::Sub,
 * Fn::If) with values a test chooses, so assertions can compare plain strings such as
 * `arn:aws:s3:::bucket/klog/*` instead of nested function objects.
 */

export interface TemplateValues {
  /** `Ref` targets: logical ids and pseudo parameters (`AWS::Partition`, `AWS::Region`, `AWS::AccountId`). */
  refs: Record<string, string>;
  /** `Fn::GetAtt` results, by `<logical id>.<attribute>`. */
  attributes: Record<string, string>;
  /** Condition values for `Fn::If`. */
  conditions: Record<string, boolean>;
}

export function resolveIntrinsics(value: unknown, values: TemplateValues): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, values));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [name, argument] = entries[0] ?? [];
  if (entries.length === 1 && name !== undefined) {
    switch (name) {
      case 'Ref':
        return lookup(values.refs, String(argument), 'Ref');
      case 'Fn::GetAtt':
        return lookup(values.attributes, (argument as string[]).join('.'), 'Fn::GetAtt');
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return (resolveIntrinsics(parts, values) as unknown[]).join(separator);
      }
      case 'Fn::Sub':
        return String(argument).replace(/\$\{([^}]+)\}/g, (_, ref: string) =>
          ref.includes('.') ? lookup(values.attributes, ref, 'Fn::Sub') : lookup(values.refs, ref, 'Fn::Sub'),
        );
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
        const holds = values.conditions[condition];
        if (holds === undefined) throw new Error(`Fn::If names condition ${condition}, which the test did not set.`);
        return resolveIntrinsics(holds ? whenTrue : whenFalse, values);
      }
    }
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveIntrinsics(item, values)]));
}

function lookup(table: Record<string, string>, key: string, intrinsic: string): string {
  const found = table[key];
  if (found === undefined) throw new Error(`${intrinsic} of ${key}, which the test did not give a value.`);
  return found;
}
