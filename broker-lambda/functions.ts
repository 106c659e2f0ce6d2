/**
 * The AWS Lambda entry points serverless.yml deploys, as `dist/lambda/functions.<export>` once
 * scripts/bundle-lambda.mjs has bundled this file.
 *
 * The four broker functions serve the whole API, not only the routes their names suggest: the SDK treats every
 * broker URL as a complete broker (sdk/backend/http-transport.ts), so a consumer pointed at the fetch URL also
 * sends its group and admin calls there. They are separate functions so that serverless.yml can size each for its
 * kind of client (a fetch may long-poll) and each has its own logs, metrics and concurrency.
 *
 * Handlers are created when the module loads, so that an instance keeps its store connections and partition
 * readers across the invocations it serves.
 */
import { createLambdaHandler, runScheduledMaintenance } from './lambda-adapter.js';

export const produceHandler = createLambdaHandler();
export const fetchHandler = createLambdaHandler();
export const adminHandler = createLambdaHandler();
export const groupHandler = createLambdaHandler();

/**
 * Retention over every topic of the cluster; invoked by the EventBridge schedule. Only the event is passed on:
 * Lambda calls a handler with its context object second, which runScheduledMaintenance would take for its options.
 */
export const maintenanceHandler = (event: unknown) => runScheduledMaintenance(event);
