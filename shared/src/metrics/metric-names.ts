/** Every metric the services expose; alerts, dashboards and EMF refer to these names. */
export const METRIC = {
  connectionsActive: "socket_server_connections_active",
  roomsActive: "socket_server_rooms_active",
  messagesDelivered: "socket_server_messages_delivered_total",
  deliveryLatency: "socket_server_delivery_latency_seconds",
  messagesPublished: "socket_server_messages_published_total",
  errors: "socket_server_errors_total",
  httpRequests: "socket_server_http_requests_total",
  queueJobs: "socket_server_queue_jobs",
  jobDuration: "socket_server_job_duration_seconds",
  jobAttempts: "socket_server_job_attempts",
  jobs: "socket_server_jobs_total",
  redisUp: "socket_server_redis_up",
  clientsDisconnected: "socket_server_clients_disconnected_total",
  connectionsRefused: "socket_server_connections_refused_total",
  recoveries: "socket_server_recoveries_total",
  messagesRecovered: "socket_server_messages_recovered_total",
  gapFills: "socket_server_gap_fills_total",
  messagesGapFilled: "socket_server_messages_gap_filled_total",
  messagesGapLost: "socket_server_messages_gap_lost_total",
  historyRooms: "socket_server_history_rooms",
  historyMessages: "socket_server_history_messages",
} as const;

/** Why a connection was refused (`connections_refused_total{reason}`). */
export const REFUSAL_REASONS = ["unauthorized", "rate_limited", "server_full", "server_draining", "origin_not_allowed"] as const;

/** How a subscribe with a position ended (`recoveries_total{result}`). */
export const RECOVERY_RESULTS = ["recovered", "epoch_changed", "not_in_history", "too_many_messages", "already_joined"] as const;

/** The closed set of error kinds; never a room, user or socket id. */
export const ERROR_KINDS = ["publish_unavailable", "internal", "job_failed", "connection_refused", "redis"] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** From 1 ms to 10 s: the guide alerts at 100 ms, and a backlog shows as seconds. */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
