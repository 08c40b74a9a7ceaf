/** HAProxy {@code agent-check}: start with {@link dev.lbkit.healthcheck.agent.AgentCheck}. */
package dev.lbkit.healthcheck.agent;
