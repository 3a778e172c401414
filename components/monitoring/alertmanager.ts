// Alertmanager's configuration for kube-prometheus-stack (`alertmanager.config`, rendered by the chart into the
// Alertmanager's Secret): the fleet alerts routed by severity to the stack's configured receivers (config
// monitoring.receivers / monitoring.route), with inhibitions so one outage pages once.
import type { AlertReceiverPlan } from "../../config/fleet-config";

/** Receiver the chart's always-firing Watchdog alert goes to: nowhere. */
export const SILENT_RECEIVER = "chain138-silent";

/** The Alertmanager configuration (alertmanager.yml as data). */
export function alertmanagerConfig(receivers: readonly AlertReceiverPlan[], route: { critical: string; warning: string }): Record<string, unknown> {
    const names = new Set(receivers.map((r) => r.name));
    for (const [severity, name] of Object.entries(route)) {
        if (!names.has(name)) throw new Error(`alertmanager: route.${severity} names receiver "${name}", which is not configured`);
    }
    if (names.has(SILENT_RECEIVER)) throw new Error(`alertmanager: receiver name ${SILENT_RECEIVER} is reserved`);
    return {
        route: {
            receiver: route.warning,
            group_by: ["alertname", "region"],
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: "4h",
            routes: [
                // kube-prometheus-stack's Watchdog fires always (a dead-man's switch for an external checker).
                { receiver: SILENT_RECEIVER, matchers: ['alertname = "Watchdog"'] },
                { receiver: route.critical, matchers: ['severity = "critical"'], repeat_interval: "1h" },
                { receiver: route.warning, matchers: ['severity = "warning"'] },
            ],
        },
        inhibit_rules: [
            // A region that cannot be reached explains its nodes' and peers' alerts.
            {
                source_matchers: ['alertname = "Chain138RegionUnreachable"'],
                target_matchers: ['alertname =~ "Chain138(BesuNodeDown|BesuPodNotReady|NodeLagging|ValidatorNotSigning)"'],
                equal: ["region"],
            },
            // A lost quorum is more than a quorum at risk; a stalled chain is what a lost quorum means.
            { source_matchers: ['alertname = "Chain138QuorumLost"'], target_matchers: ['alertname =~ "Chain138(QuorumAtRisk|ChainStalled)"'] },
        ],
        receivers: [{ name: SILENT_RECEIVER }, ...receivers.map(receiverConfig)],
    };
}

function receiverConfig(r: AlertReceiverPlan): Record<string, unknown> {
    return {
        name: r.name,
        ...(r.webhookUrl === undefined ? {} : { webhook_configs: [{ url: r.webhookUrl, send_resolved: true }] }),
        ...(r.slack === undefined ? {} : { slack_configs: [{ api_url: r.slack.apiUrl, channel: r.slack.channel, send_resolved: true }] }),
        ...(r.pagerDutyRoutingKey === undefined ? {} : { pagerduty_configs: [{ routing_key: r.pagerDutyRoutingKey, send_resolved: true }] }),
    };
}
