export * from "./app-error.js";
export * from "./handle-errors.js";
export * from "./parse-json-body.js";
export * from "./create-ops-routes.js";
export * from "./listen.js";
export * from "./count-requests.js";
export * from "./create-service-app.js";
export * from "./harden-http-server.js";
