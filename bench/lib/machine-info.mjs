import { cpus, totalmem, release } from "node:os";
import { CLIENT_CORE, SERVER_CORE } from "./processes.mjs";

export function machineInfo() {
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    serverCore: SERVER_CORE,
    clientCore: CLIENT_CORE,
  };
}
