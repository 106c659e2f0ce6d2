/**
 * A local Serverless Framework (osls) plugin that runs scripts/bundle-lambda.mjs before packaging, so that
 * `serverless package` and `serverless deploy` always zip a fresh bundle for the provider's architecture and
 * no separate build step can be forgotten. osls has no bundler of its own, and this avoids a plugin dependency.
 */
import { bundleLambda } from './bundle-lambda.mjs';

export default class BundleLambdaPlugin {
  constructor(serverless, _options, { log } = {}) {
    this.serverless = serverless;
    this.log = log ?? { notice: console.log };
    const bundle = () => this.bundle();
    this.hooks = {
      'before:package:createDeploymentArtifacts': bundle,
      'before:deploy:function:packageFunction': bundle,
    };
  }

  async bundle() {
    const architecture = this.serverless.service.provider.architecture ?? 'x86_64';
    const outfile = await bundleLambda({
      serviceDir: this.serverless.serviceDir,
      architecture,
      log: (line) => this.log.notice(line),
    });
    this.log.notice(`Bundled the broker functions for ${architecture} into ${outfile}`);
  }
}
