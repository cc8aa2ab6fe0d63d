export * from "./room-name.js";
export * from "./room-matcher.js";
export * from "./event-name.js";
export * from "./publish-request.js";
export * from "./client-protocol.js";
export * from "./notification-job.js";
export * from "./check-json-data.js";
export * from "./common-requests.js";
