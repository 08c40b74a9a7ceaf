package dev.lbkit.config.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which keywords keepalived.conf allows where, and what each takes: parameters only, a block of keywords, or a
 * block of value lines. Keywords lbkit recognises but does not use are IGNORED (a warning); keepalived features
 * lbkit does not implement are UNSUPPORTED (an error, so a configuration never silently loses meaning). The
 * names follow keepalived's keepalived.conf(5) and its parsers (check_parser.c, vrrp_parser.c, global_parser.c).
 */
final class Grammar {
  enum Kind {
    LEAF,
    BLOCK,
    VALUES,
    IGNORED,
    UNSUPPORTED
  }

  /** What one keyword takes. */
  record Rule(Kind kind, Grammar block, String note) {}

  private final String context;
  private final Map<String, Rule> rules = new HashMap<>();

  private Grammar(String context) {
    this.context = context;
  }

  String context() {
    return context;
  }

  Optional<Rule> rule(String keyword) {
    return Optional.ofNullable(rules.get(keyword));
  }

  private Grammar leaf(String... keywords) {
    for (String k : keywords) {
      rules.put(k, new Rule(Kind.LEAF, null, null));
    }
    return this;
  }

  private Grammar values(String... keywords) {
    for (String k : keywords) {
      rules.put(k, new Rule(Kind.VALUES, null, null));
    }
    return this;
  }

  private Grammar block(String keyword, Grammar sub) {
    rules.put(keyword, new Rule(Kind.BLOCK, sub, null));
    return this;
  }

  private Grammar ignored(String... keywords) {
    for (String k : keywords) {
      rules.put(k, new Rule(Kind.IGNORED, null, null));
    }
    return this;
  }

  private Grammar unsupported(String note, String... keywords) {
    for (String k : keywords) {
      rules.put(k, new Rule(Kind.UNSUPPORTED, null, note));
    }
    return this;
  }

  static final Grammar AUTH = new Grammar("authentication").leaf("auth_type", "auth_pass");

  static final Grammar URL = new Grammar("url").leaf("path", "digest", "status_code", "virtualhost")
      .unsupported("regular expression checks are not implemented", "regex", "regex_no_match", "regex_options",
          "regex_stack", "regex_min_offset", "regex_max_offset");

  /** keepalived's install_checker_common_keywords(true) (check_api.c), plus nb_get_retry. */
  private static Grammar checker(String name) {
    return new Grammar(name)
        .leaf("connect_ip", "connect_port", "bindto", "bind_port", "connect_timeout", "retry", "nb_get_retry",
            "delay_before_retry", "delay_loop", "warmup", "alpha")
        .ignored("fwmark", "bind_if", "log_all_failures");
  }

  static final Grammar TCP = checker("TCP_CHECK");

  static final Grammar UDP = checker("UDP_CHECK")
      .leaf("payload", "require_reply", "min_reply_length", "max_reply_length");

  static final Grammar DNS = checker("DNS_CHECK").leaf("type", "name");

  static final Grammar SMTP_HOST = checker("host");

  static final Grammar SMTP = checker("SMTP_CHECK").leaf("helo_name").block("host", SMTP_HOST);

  static final Grammar HTTP = checker("HTTP_GET").block("url", URL)
      .leaf("virtualhost", "enable_sni", "fast_recovery")
      .ignored("http_protocol", "tls_compliant", "protocol");

  static final Grammar MISC = new Grammar("MISC_CHECK")
      .leaf("misc_path", "misc_timeout", "misc_dynamic", "user", "retry", "delay_before_retry", "warmup",
          "delay_loop", "alpha")
      .ignored("log_all_failures");

  static final Grammar REAL_SERVER = new Grammar("real_server")
      .leaf("weight", "lvs_method", "lb_kind", "uthreshold", "lthreshold", "inhibit_on_failure", "notify_up",
          "notify_down", "alpha", "delay_loop", "retry", "delay_before_retry", "virtualhost", "connect_timeout",
          "warmup")
      .block("TCP_CHECK", TCP).block("HTTP_GET", HTTP).block("SSL_GET", HTTP).block("MISC_CHECK", MISC)
      .block("UDP_CHECK", UDP).block("DNS_CHECK", DNS).block("SMTP_CHECK", SMTP)
      .ignored("smtp_alert", "tunnel_encap", "tunnel_port", "tunnel_nocsum", "tunnel_csum",
          "tunnel_remcsum")
      .unsupported("this checker is not implemented by lbkit", "PING_CHECK", "FILE_CHECK", "BFD_CHECK");

  static final Grammar VIRTUAL_SERVER = new Grammar("virtual_server")
      .leaf("delay_loop", "lb_algo", "lvs_sched", "lb_kind", "lvs_method", "persistence_timeout",
          "persistence_granularity", "persistence_engine", "protocol", "quorum", "hysteresis", "alpha", "omega",
          "inhibit_on_failure", "quorum_up", "quorum_down", "sorry_server", "sorry_server_inhibit",
          "sorry_server_lvs_method", "virtualhost", "ip_family", "ops", "flag-1", "flag-2", "flag-3", "sh-port",
          "sh-fallback", "mh-port", "mh-fallback", "retry", "delay_before_retry", "connect_timeout", "warmup")
      .block("real_server", REAL_SERVER)
      .ignored("ha_suspend", "smtp_alert", "hashed", "nat_mask", "weight");

  static final Grammar SCRIPT = new Grammar("vrrp_script")
      .leaf("script", "interval", "timeout", "weight", "rise", "fall", "user")
      .ignored("init_fail");

  static final Grammar INSTANCE = new Grammar("vrrp_instance")
      .leaf("state", "interface", "virtual_router_id", "priority", "advert_int", "version", "nopreempt", "preempt",
          "preempt_delay", "unicast_src_ip", "notify_master", "notify_backup", "notify_fault", "notify_stop",
          "notify", "notify_deleted", "accept", "no_accept", "strict_mode", "garp_master_delay", "garp_master_repeat",
          "garp_master_refresh", "garp_master_refresh_repeat", "garp_lower_prio_delay", "garp_lower_prio_repeat",
          "lower_prio_no_advert")
      .block("authentication", AUTH)
      .values("virtual_ipaddress", "virtual_ipaddress_excluded", "unicast_peer", "track_interface", "track_script")
      .ignored("smtp_alert", "higher_prio_send_advert", "dont_track_primary", "mcast_src_ip", "native_ipv6", "use_vmac", "vmac_xmit_base", "lvs_sync_daemon_interface", "debug", "skip_check_adv_addr",
          "check_unicast_src", "kernel_rx_buf_size", "notify_master_rx_lower_pri", "virtual_routes",
          "virtual_rules", "track_file", "track_process", "track_bfd", "unicast_ttl", "unicast_fault_no_peer",
          "old_unicast_checksum", "promote_secondaries", "linkbeat_use_polling");

  static final Grammar SYNC_GROUP = new Grammar("vrrp_sync_group")
      .values("group")
      .leaf("notify_master", "notify_backup", "notify_fault", "notify_stop", "notify")
      .ignored("smtp_alert", "global_tracking", "sync_group_tracking_weight", "track_interface", "track_script",
          "track_file", "track_process", "track_bfd", "notify_deleted");

  static final Grammar GLOBAL = new Grammar("global_defs")
      .values("notification_email")
      .leaf("notification_email_from", "smtp_server", "smtp_connect_timeout", "router_id", "vrrp_strict",
          "vrrp_version", "script_user", "enable_script_security", "vrrp_garp_interval", "vrrp_gna_interval",
          "vrrp_garp_master_delay", "vrrp_garp_master_repeat", "vrrp_garp_master_refresh",
          "vrrp_garp_master_refresh_repeat", "vrrp_garp_lower_prio_delay", "vrrp_garp_lower_prio_repeat",
          "vrrp_lower_prio_no_advert")
      .ignored("max_auto_priority", "lvs_id", "vrrp_skip_check_adv_addr",
          "vrrp_mcast_group4", "vrrp_mcast_group6", "vrrp_iptables", "vrrp_ipsets", "vrrp_higher_prio_send_advert",
          "vrrp_priority", "checker_priority", "bfd_priority", "lvs_timeouts", "lvs_sync_daemon",
          "dynamic_interfaces", "smtp_alert", "smtp_alert_vrrp", "smtp_alert_checker", "smtp_helo",
          "default_interface", "vrrp_no_swap", "checker_no_swap", "process_names", "process_name",
          "vrrp_process_name", "checker_process_name", "enable_traps", "enable_snmp_vrrp", "enable_snmp_checker",
          "enable_snmp_rfc", "snmp_socket", "notify_fifo", "notify_fifo_script", "vrrp_notify_fifo",
          "vrrp_notify_fifo_script", "lvs_notify_fifo", "lvs_notify_fifo_script", "linkbeat_use_polling",
          "vrrp_startup_delay", "nftables", "nftables_priority", "nftables_counters", "nftables_ifindex", "umask",
          "vrrp_check_unicast_src", "vrrp_rx_bufs_policy", "vrrp_rx_bufs_multiplier", "vrrp_rt_priority",
          "checker_rt_priority", "vrrp_cpu_affinity", "checker_cpu_affinity", "vrrp_rlimit_rttime",
          "checker_rlimit_rttime", "lvs_flush", "lvs_flush_onstop", "vrrp_min_garp", "instance",
          "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_monitor_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force",
          "vrrp_netlink_monitor_rcv_bufs_force", "vrrp_garp_extra_if", "vrrp_dont_check_unicast_src",
          "config_save_dir", "reload_check_config", "reload_time_file", "script_security");

  /** keepalived's top-level SSL block (check_parser.c ssl_handler). */
  static final Grammar SSL = new Grammar("SSL").leaf("password", "ca", "certificate", "key");

  static final Grammar TOP = new Grammar("the top level")
      .block("global_defs", GLOBAL)
      .block("vrrp_sync_group", SYNC_GROUP)
      .block("vrrp_instance", INSTANCE)
      .block("vrrp_script", SCRIPT)
      .block("virtual_server", VIRTUAL_SERVER)
      .block("SSL", SSL)
      .ignored("static_ipaddress", "static_routes", "static_rules", "linkbeat_interfaces")
      .unsupported("not implemented by lbkit", "virtual_server_group", "vrrp_track_process", "vrrp_track_file",
          "track_file", "garp_group", "bfd_instance");
}
