// The only hand-written module that imports the CDK itself. Upstream CDKTF is deprecated and CDK
// Terrain is its continuation: switching means changing the package names below (and in
// package.json), then `npm run get` so the generated bindings import the new package too.
export {
  App,
  TerraformStack,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  LocalBackend,
  Annotations,
  Fn,
  Token,
  Testing,
} from 'cdktf';
export type { AppConfig, ITerraformDependable } from 'cdktf';
export { Construct } from 'constructs';
export type { IConstruct } from 'constructs';
