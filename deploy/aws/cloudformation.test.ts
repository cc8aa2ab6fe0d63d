import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Registry } from "prom-client";
import { Server } from "socket.io";
import { describe, expect, it } from "vitest";
import { parse, type ScalarTag, type CollectionTag } from "yaml";
import { createOpsRoutes } from "../../shared/src/http/create-ops-routes.js";
import { GatewayConfigSchema } from "../../services/socket-gateway/src/config.js";
import { readAlertRules } from "../prometheus/alert-rules.js";

// CloudFormation is only validated by AWS at deploy time, and then only for syntax. These
// checks tie every operational value in the template to the code it must agree with.

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");

// CloudFormation's short-form intrinsics, turned into their long form ({ "Fn::Sub": ... }) so
// the template reads as the JSON CloudFormation itself would see.
const intrinsics = ["Ref", "Sub", "GetAtt", "Join", "Select", "Split", "If", "Equals", "Not", "And", "Or", "FindInMap", "GetAZs", "ImportValue", "Base64", "Cidr", "Condition"];
const longName = (name: string) => (name === "Ref" || name === "Condition" ? name : `Fn::${name}`);
const customTags: Array<ScalarTag | CollectionTag> = intrinsics.flatMap((name) => [
  {
    tag: `!${name}`,
    // `!GetAtt Resource.Attribute` is the one scalar form CloudFormation splits itself.
    resolve: (value: string) => ({ [longName(name)]: name === "GetAtt" ? value.split(".") : value }),
  } as ScalarTag,
  ...(["seq", "map"] as const).map(
    (collection) => ({ tag: `!${name}`, collection, resolve: (value: { toJSON(): unknown }) => ({ [longName(name)]: value.toJSON() }) }) as unknown as CollectionTag,
  ),
]);

interface Resource {
  Type: string;
  Properties: Record<string, any>;
  DependsOn?: string | string[];
}
interface Template {
  Parameters: Record<string, unknown>;
  Resources: Record<string, Resource>;
}

const template = parse(readFileSync(join(here, "socket-gateway.yml"), "utf8"), { customTags }) as Template;
const resources = Object.entries(template.Resources);
function only(type: string): [string, Resource] {
  const found = resources.filter(([, resource]) => resource.Type === type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

const [targetGroupId, targetGroup] = only("AWS::ElasticLoadBalancingV2::TargetGroup");
const [, loadBalancer] = only("AWS::ElasticLoadBalancingV2::LoadBalancer");
const [taskDefinitionId, taskDefinition] = only("AWS::ECS::TaskDefinition");
const [serviceId, service] = only("AWS::ECS::Service");
const [scalableTargetId, scalableTarget] = only("AWS::ApplicationAutoScaling::ScalableTarget");
const [, scalingPolicy] = only("AWS::ApplicationAutoScaling::ScalingPolicy");
const [, dashboard] = only("AWS::CloudWatch::Dashboard");
const container = taskDefinition.Properties.ContainerDefinitions[0] as Record<string, any>;

const attributes = (list: Array<{ Key: string; Value: string }>) => Object.fromEntries(list.map(({ Key, Value }) => [Key, Value]));
const tgAttributes = attributes(targetGroup.Properties.TargetGroupAttributes);

// Stand-ins for what only a deployment knows; everything else is evaluated as CloudFormation would.
const pseudo: Record<string, string> = { "AWS::StackName": "prod", "AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012" };

/** A parameter's default, or a stand-in naming it when the operator must supply it. */
function parameterValue(name: string): string {
  const parameter = template.Parameters[name] as { Default?: unknown } | undefined;
  if (!parameter) throw new Error(`no parameter ${name}`);
  return parameter.Default === undefined ? `<${name}>` : String(parameter.Default);
}

/** `${Name}`, `${AWS::Pseudo}` and `${Service.Name}` substituted as !Sub would. */
function substitute(text: string): string {
  return text.replace(/\$\{([^!}][^}]*)\}/g, (_, name: string) => {
    if (pseudo[name]) return pseudo[name];
    if (name === `${serviceId}.Name`) return evaluate(service.Properties.ServiceName);
    return parameterValue(name);
  });
}

/** A property's value with the parameters' defaults: a plain string, !Ref or !Sub. */
function evaluate(value: unknown): string {
  if (typeof value === "string") return value;
  const node = value as { Ref?: string; "Fn::Sub"?: string };
  if (node.Ref) return pseudo[node.Ref] ?? parameterValue(node.Ref);
  if (typeof node["Fn::Sub"] === "string") return substitute(node["Fn::Sub"]);
  throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
}

// Stand-ins for what Secrets Manager hands the task; a secret the test does not know fails it.
const SECRET_STAND_INS: Record<string, string> = {
  REDIS_URL: "rediss://user:secret@redis.example:6379",
  REDIS_CLUSTER_NODES: "rediss://user:secret@clustercfg.redis.example:6379",
  JWT_SECRET: "a-stand-in-secret-of-at-least-32-characters",
};

/** What the gateway would boot with in this task: its environment plus its secrets. */
function gatewayEnvironment(chosen: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { Name } of container.Secrets as Array<{ Name: unknown }>) {
    const ref = (Name as { Ref?: string }).Ref;
    const name = ref !== undefined && chosen[ref] !== undefined ? chosen[ref]! : evaluate(Name);
    const standIn = SECRET_STAND_INS[name];
    if (standIn === undefined) throw new Error(`no stand-in for the secret ${name}`);
    env[name] = standIn;
  }
  for (const { Name, Value } of container.Environment as Array<{ Name: string; Value: unknown }>) env[Name] = evaluate(Value);
  return env;
}
// Parsing with the schema proves the task boots: a gateway without a token setting refuses to.
const gatewayConfig = GatewayConfigSchema.parse(gatewayEnvironment());
const defaults = GatewayConfigSchema.parse({ JWT_SECRET: SECRET_STAND_INS.JWT_SECRET });

// The gateway keeps Socket.IO's heartbeat defaults; read them from Socket.IO itself.
function socketIoHeartbeat(): { pingInterval: number; pingTimeout: number } {
  const io = new Server(createServer());
  const { pingInterval, pingTimeout } = io.engine.opts as { pingInterval: number; pingTimeout: number };
  io.close();
  return { pingInterval, pingTimeout };
}

/** The `${...}` names a !Sub string refers to. */
const subReferences = (text: string) => [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].map((match) => match[1]!);

describe("deploy/aws/socket-gateway.yml", () => {
  it("refers only to parameters, resources and pseudo parameters that exist", () => {
    const known = new Set([...Object.keys(template.Parameters), ...Object.keys(template.Resources)]);
    const problems: string[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (!node || typeof node !== "object") return;
      for (const [key, value] of Object.entries(node)) {
        if (key === "Ref" && !String(value).startsWith("AWS::") && !known.has(String(value))) problems.push(`!Ref ${value}`);
        if (key === "Fn::GetAtt" && !known.has((value as string[])[0]!)) problems.push(`!GetAtt ${value}`);
        if (key === "Fn::Sub" && typeof value === "string") {
          for (const name of subReferences(value)) {
            if (!name.startsWith("AWS::") && !known.has(name.split(".")[0]!)) problems.push(`\${${name}} in !Sub`);
          }
        }
        visit(value);
      }
    };
    visit(template.Resources);
    expect(problems).toEqual([]);
    // The check above would pass on a template that used no intrinsics at all.
    expect(JSON.stringify(template.Resources)).toContain('"Fn::Sub"');
  });

  it("sends the load balancer's traffic and health checks to the gateway's default port", () => {
    expect(defaults.PORT).toBe(4000);
    expect(targetGroup.Properties).toMatchObject({ TargetType: "ip", Protocol: "HTTP", Port: defaults.PORT });
    expect(container.PortMappings).toEqual([{ ContainerPort: gatewayConfig.PORT, Protocol: "tcp" }]);
    expect(service.Properties.LoadBalancers).toEqual([
      { ContainerName: container.Name, ContainerPort: gatewayConfig.PORT, TargetGroupArn: { Ref: targetGroupId } },
    ]);
    // awsvpc is what lets Fargate tasks register by IP.
    expect(taskDefinition.Properties.NetworkMode).toBe("awsvpc");
  });

  it("health-checks /health, which answers 200 even while Redis is down and the gateway drains", async () => {
    expect(targetGroup.Properties.HealthCheckPath).toBe("/health");
    expect(targetGroup.Properties.Matcher).toEqual({ HttpCode: "200" });
    const routes = createOpsRoutes({ checks: async () => ({ redis: "down" }), draining: () => true, registry: new Registry() });
    expect((await routes.request(targetGroup.Properties.HealthCheckPath)).status).toBe(200);
    const command = (container.HealthCheck.Command as string[]).join(" ");
    expect(command).toContain(`http://127.0.0.1:${gatewayConfig.PORT}/health`);
    // The slim runtime image has no curl or wget.
    expect(command).not.toMatch(/\b(curl|wget)\b/);
  });

  it("keeps a client on one gateway for a day with the load balancer's cookie", () => {
    expect(tgAttributes).toMatchObject({
      "stickiness.enabled": "true",
      "stickiness.type": "lb_cookie",
      "stickiness.lb_cookie.duration_seconds": "86400",
    });
  });

  it("lets held long-polls finish while a task deregisters, and keeps idle connections open between pings", () => {
    const { pingInterval } = socketIoHeartbeat();
    const deregistration = Number(tgAttributes["deregistration_delay.timeout_seconds"]);
    // A polling GET is held for up to one ping interval; draining must outlast it.
    expect(deregistration).toBeGreaterThanOrEqual(Math.max(30, pingInterval / 1000));
    // Beyond a few minutes only slows deployments: clients reconnect on their own.
    expect(deregistration).toBeLessThanOrEqual(120);
    const idle = Number(attributes(loadBalancer.Properties.LoadBalancerAttributes)["idle_timeout.timeout_seconds"]);
    expect(idle).toBeGreaterThan(pingInterval / 1000);
  });

  it("forwards HTTPS to the gateways and redirects plain HTTP", () => {
    const listeners = resources.filter(([, resource]) => resource.Type === "AWS::ElasticLoadBalancingV2::Listener").map(([, r]) => r.Properties);
    const https = listeners.find((listener) => listener.Protocol === "HTTPS");
    expect(https?.DefaultActions).toEqual([{ Type: "forward", TargetGroupArn: { Ref: targetGroupId } }]);
    const http = listeners.find((listener) => listener.Protocol === "HTTP");
    expect(http?.DefaultActions[0]).toMatchObject({ Type: "redirect", RedirectConfig: { Protocol: "HTTPS" } });
    // ECS registers targets only once the target group is attached to a listener.
    expect([service.DependsOn].flat()).toContain(Object.entries(template.Resources).find(([, r]) => r.Properties === https)![0]);
  });

  it("runs the gateway in Redis mode with an environment its config schema accepts", () => {
    const env = gatewayEnvironment();
    // NODE_OPTIONS is Node's own.
    const known = new Set([...Object.keys(GatewayConfigSchema.shape), "NODE_OPTIONS"]);
    expect(Object.keys(env).filter((name) => !known.has(name))).toEqual([]);
    expect(gatewayConfig.REDIS_ENABLED).toBe(true);
    // The template's default must be the services' own, which publish-api and the worker use unless told otherwise.
    expect(gatewayConfig.REDIS_PREFIX).toBe(defaults.REDIS_PREFIX);
    // The CloudWatch dashboard has nothing to show without the EMF lines.
    expect(gatewayConfig.METRICS_EMF).toBe(true);
    // The URL carries credentials: it must come from a secret, never a plain variable.
    // The URL carries credentials and the JWT key signs every client's access: secrets, never plain variables.
    const plain = (container.Environment as Array<{ Name: string }>).map(({ Name }) => Name);
    expect(plain).not.toContain("REDIS_URL");
    expect(plain).not.toContain("JWT_SECRET");
    expect(container.Secrets).toEqual([
      { Name: { Ref: "RedisVariable" }, ValueFrom: expect.anything() },
      { Name: "JWT_SECRET", ValueFrom: expect.anything() },
    ]);
    // Clients are verified, not admitted anonymously.
    expect(gatewayConfig.ALLOW_ANONYMOUS).toBe(false);
    // Behind the ALB every connection comes from the balancer: limits per address need the client's.
    expect(gatewayConfig.CLIENT_IP_HEADER).toBe("x-forwarded-for");
  });

  it("boots the gateway against an ElastiCache cluster when the Redis secret is REDIS_CLUSTER_NODES", () => {
    const config = GatewayConfigSchema.parse(gatewayEnvironment({ RedisVariable: "REDIS_CLUSTER_NODES" }));
    expect(config.REDIS_CLUSTER_NODES).toMatchObject({ mode: "cluster", nodes: [{ host: "clustercfg.redis.example", port: 6379 }], tls: true });
    expect((template.Parameters.RedisVariable as { AllowedValues: string[] }).AllowedValues).toEqual(["REDIS_URL", "REDIS_CLUSTER_NODES"]);
  });

  it("raises the open-file limit to 65535 as the guide advises", () => {
    expect(container.Ulimits).toEqual([{ Name: "nofile", SoftLimit: 65535, HardLimit: 65535 }]);
  });

  it("sets the Dockerfile's heap and gives the task memory beyond it", () => {
    const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
    const imageOptions = /NODE_OPTIONS=(\S+)/.exec(dockerfile)?.[1];
    expect(imageOptions).toBeDefined();
    expect(gatewayEnvironment().NODE_OPTIONS).toBe(imageOptions);
    const heapMb = Number(/--max-old-space-size=(\d+)/.exec(imageOptions!)?.[1]);
    // Socket buffers live outside the V8 heap; leave at least a quarter of the task for them.
    expect(heapMb).toBeLessThanOrEqual(Number(taskDefinition.Properties.Memory) * 0.75);
  });

  it("gives a stopping task more time than the gateway's shutdown deadline", () => {
    const stopTimeout = container.StopTimeout as number;
    expect(stopTimeout).toBeGreaterThan(gatewayConfig.SHUTDOWN_TIMEOUT_MS / 1000);
    expect(stopTimeout).toBeGreaterThan(defaults.SHUTDOWN_TIMEOUT_MS / 1000);
    // Fargate's maximum.
    expect(stopTimeout).toBeLessThanOrEqual(120);
  });

  it("scales the service between 2 and 10 tasks on 70% average CPU, out after 60 s and in after 300 s", () => {
    expect(scalableTarget.Properties).toMatchObject({
      MinCapacity: 2,
      MaxCapacity: 10,
      ScalableDimension: "ecs:service:DesiredCount",
      ServiceNamespace: "ecs",
      ResourceId: { "Fn::Sub": `service/\${ClusterName}/\${${serviceId}.Name}` },
    });
    expect(scalingPolicy.Properties).toMatchObject({
      PolicyType: "TargetTrackingScaling",
      ScalingTargetId: { Ref: scalableTargetId },
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: "ECSServiceAverageCPUUtilization" },
        TargetValue: 70,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      },
    });
    expect(service.Properties.TaskDefinition).toEqual({ Ref: taskDefinitionId });
    expect(service.Properties.DesiredCount).toBe(scalableTarget.Properties.MinCapacity);
    // JavaScript runs on one thread: above one vCPU the 70% average could never be reached.
    expect(Number(taskDefinition.Properties.Cpu)).toBeLessThanOrEqual(1024);
  });

  describe("CloudWatch dashboard", () => {
    const emfMetrics = ["ActiveConnections", "MessagesPublished", "MessagesDelivered", "Errors", "DeliveryLatencyP99"];
    const services = readdirSync(join(root, "services"));
    const body = dashboard.Properties.DashboardBody["Fn::Sub"] as string;
    const parsed = JSON.parse(substitute(body)) as {
      widgets: Array<{ type: string; properties: { title: string; metrics: unknown[][]; annotations?: { horizontal?: Array<{ value: number }> } } }>;
    };
    const socketServerRows = parsed.widgets.flatMap((widget) =>
      widget.properties.metrics.filter((row) => row[0] === "SocketServer").map((row) => ({ widget, row })),
    );
    const widgetOf = (metric: string) => socketServerRows.find(({ row }) => row[1] === metric)!.widget;
    const rules = readAlertRules();

    it("has a body that is JSON once CloudFormation substitutes it", () => {
      expect(parsed.widgets.length).toBeGreaterThan(0);
      for (const widget of parsed.widgets) expect(widget.properties.metrics.length, widget.properties.title).toBeGreaterThan(0);
    });

    // The gateway writes EMF under METRICS_SERVICE_NAME, which falls back to its own name.
    const gatewayName = gatewayConfig.METRICS_SERVICE_NAME ?? "socket-gateway";
    const gatewayOnly = ["ActiveConnections", "MessagesDelivered", "DeliveryLatencyP99"];

    it("shows the guide's widget: SocketServer ActiveConnections by the gateways' ServiceName", () => {
      expect(socketServerRows.map(({ row }) => row.slice(0, 4))).toContainEqual(["SocketServer", "ActiveConnections", "ServiceName", gatewayName]);
      // Named after the ECS service, so two stacks in one account never share a metric.
      expect(gatewayName).toBe(evaluate(service.Properties.ServiceName));
    });

    it("shows every metric the services write in EMF, each under a ServiceName some service writes", () => {
      expect(new Set(socketServerRows.map(({ row }) => row[1]))).toEqual(new Set(emfMetrics));
      // publish-api and the worker live in other stacks; their names default to their own.
      const others = services.filter((name) => name !== "socket-gateway");
      for (const { row } of socketServerRows) {
        expect(row[2], String(row[1])).toBe("ServiceName");
        expect([gatewayName, ...others], String(row[1])).toContain(row[3]);
        if (gatewayOnly.includes(String(row[1]))) expect(row[3], String(row[1])).toBe(gatewayName);
      }
      expect(new Set(socketServerRows.map(({ row }) => row[3]))).toEqual(new Set([gatewayName, ...others]));
    });

    it("marks the same connection and latency thresholds as the Prometheus alerts", () => {
      const threshold = (name: string) => rules.find((rule) => rule.alert === name)!.threshold;
      const lines = (metric: string) => widgetOf(metric).properties.annotations?.horizontal?.map((line) => line.value);
      expect(lines("ActiveConnections")).toEqual([threshold("SocketServerConnectionsAtLimit")]);
      expect(lines("ActiveConnections")).toEqual([gatewayConfig.MAX_CONNECTIONS]);
      // The EMF latency is in milliseconds, the Prometheus histogram in seconds.
      expect(lines("DeliveryLatencyP99")).toEqual([threshold("SocketServerDeliveryLatencyHigh") * 1000]);
    });
  });
});
