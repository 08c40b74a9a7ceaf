package dev.lbkit.config.internal;

import dev.lbkit.config.GlobalDefs;
import dev.lbkit.config.HealthCheckConfig;
import dev.lbkit.config.KeepalivedConfig;
import dev.lbkit.config.Location;
import dev.lbkit.config.NotifyScripts;
import dev.lbkit.config.RealServerConfig;
import dev.lbkit.config.ScriptUserConfig;
import dev.lbkit.config.SslConfig;
import dev.lbkit.config.VirtualServerConfig;
import dev.lbkit.config.VrrpInstanceConfig;
import dev.lbkit.config.VrrpInstanceConfig.AuthType;
import dev.lbkit.config.VrrpInstanceConfig.Authentication;
import dev.lbkit.config.VrrpInstanceConfig.InitialState;
import dev.lbkit.config.VrrpInstanceConfig.TrackedInterface;
import dev.lbkit.config.VrrpInstanceConfig.TrackedScript;
import dev.lbkit.config.VrrpInstanceConfig.VirtualIpAddress;
import dev.lbkit.config.VrrpScriptConfig;
import dev.lbkit.config.VrrpSyncGroupConfig;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns the statement tree into the immutable model, checking values and cross references (sync group members,
 * tracked scripts, duplicate names and router ids). The virtual servers are read by {@link VirtualServerReader}.
 * Defaults and ranges are keepalived's, from keepalived.conf(5) and vrrp_parser.c.
 */
final class ModelBuilder {
  private final Values values;
  private final Problems problems;
  /** {@code vrrp_version} of {@code global_defs}: the version of instances that set none (keepalived's default 2). */
  private int globalVersion = 2;
  private Location globalVersionAt;
  private final GarpReader garp;

  ModelBuilder(Problems problems) {
    this.problems = problems;
    this.values = new Values(problems);
    this.garp = new GarpReader(values);
  }

  KeepalivedConfig build(List<Node> top) {
    GlobalDefs global = GlobalDefs.EMPTY;
    List<VrrpSyncGroupConfig> groups = new ArrayList<>();
    List<VrrpInstanceConfig> instances = new ArrayList<>();
    List<VrrpScriptConfig> scripts = new ArrayList<>();
    List<VirtualServerConfig> servers = new ArrayList<>();
    Map<String, Node> instanceNodes = new HashMap<>();
    VirtualServerReader vsReader = new VirtualServerReader(values);
    Optional<SslConfig> ssl = Optional.empty();
    // keepalived completes its instances after reading the whole file, so vrrp_strict counts wherever it is written
    for (Node n : top) {
      if (n.name().equals("global_defs")) {
        global = globalDefs(n, global);
      }
    }
    boolean vrrpStrict = global.vrrpStrict();
    for (Node n : top) {
      switch (n.name()) {
        case "global_defs" -> { }
        case "vrrp_sync_group" -> syncGroup(n).ifPresent(groups::add);
        case "vrrp_instance" -> instance(n, vrrpStrict).ifPresent(i -> {
          instances.add(i);
          instanceNodes.putIfAbsent(i.name(), n);
        });
        case "vrrp_script" -> script(n).ifPresent(scripts::add);
        case "virtual_server" -> vsReader.read(n).ifPresent(servers::add);
        case "SSL" -> ssl = Optional.of(ssl(n, ssl));
        default -> throw new AssertionError("grammar allows " + n.name() + " at the top level");
      }
    }
    crossCheck(groups, instances, scripts, servers);
    scriptSecurity(global, groups, instances, scripts, servers);
    return new KeepalivedConfig(global, groups, instances, scripts, servers, ssl);
  }

  /**
   * The {@code SSL} block; a later block's keywords replace an earlier one's, as keepalived keeps one context. A
   * certificate without a key is accepted with a warning: keepalived then presents no client certificate.
   */
  private SslConfig ssl(Node block, Optional<SslConfig> previous) {
    Optional<String> password = previous.flatMap(SslConfig::password);
    Optional<Path> ca = previous.flatMap(SslConfig::ca);
    Optional<Path> certificate = previous.flatMap(SslConfig::certificate);
    Optional<Path> key = previous.flatMap(SslConfig::key);
    for (Node n : block.children()) {
      Optional<String> value = values.single(n).map(Token::text);
      if (value.isEmpty()) {
        continue;
      }
      switch (n.name()) {
        case "password" -> password = value;
        case "ca" -> ca = value.map(Path::of);
        case "certificate" -> certificate = value.map(Path::of);
        case "key" -> key = value.map(Path::of);
        default -> throw new AssertionError(n.name());
      }
    }
    SslConfig out = new SslConfig(password, ca, certificate, key, block.location());
    if (certificate.isPresent() != key.isPresent()) {
      problems.warning(block.location(), "SSL has a " + (certificate.isPresent() ? "certificate but no key" : "key but"
          + " no certificate") + ": like keepalived, SSL_GET presents no client certificate");
    }
    return out;
  }

  /**
   * keepalived 2.2.7 reports, as a security error that its {@code -t} exits with, that scripts run while
   * {@code enable_script_security} is off: check scripts (check_data.c check_check_script_security: MISC_CHECK
   * programs, real servers' {@code notify_up}/{@code notify_down}, virtual servers' {@code quorum_up}/
   * {@code quorum_down}) and, apart, VRRP scripts (vrrp.c check_vrrp_script_security: every {@code vrrp_script},
   * tracked or not, and the notify hooks of instances and sync groups). It counts only scripts whose program it
   * finds (notify.c check_script_secure sets SC_ISSCRIPT once the file is found: as written if it has a '/', else
   * on PATH), as {@code keepalived -t} shows. keepalived runs them anyway, so lbkit warns, once for each side, at the
   * first such script. (keepalived appends "There are insecure scripts." when one could be changed by others than
   * root; that needs the user each runs as, which lb-director's ScriptScreen knows and warns of per script.)
   */
  private void scriptSecurity(GlobalDefs global, List<VrrpSyncGroupConfig> groups, List<VrrpInstanceConfig> instances,
      List<VrrpScriptConfig> scripts, List<VirtualServerConfig> servers) {
    if (global.scriptSecurity()) {
      return;
    }
    List<Location> checkScripts = new ArrayList<>();
    for (VirtualServerConfig vs : servers) {
      if (found(vs.quorumUp()) || found(vs.quorumDown())) {
        checkScripts.add(vs.location());
      }
      for (RealServerConfig rs : vs.realServers()) {
        if (found(rs.notifyUp()) || found(rs.notifyDown())) {
          checkScripts.add(rs.location());
        }
        rs.checks().stream().filter(c -> c instanceof HealthCheckConfig.Misc m && found(Optional.of(m.script())))
            .forEach(c -> checkScripts.add(c.location()));
      }
    }
    first(checkScripts).ifPresent(at -> problems.warning(at, "SECURITY VIOLATION - check scripts are being executed"
        + " but script_security not enabled (set enable_script_security in global_defs)"));
    List<Location> vrrpScripts = new ArrayList<>();
    scripts.stream().filter(s -> found(Optional.of(s.script()))).forEach(s -> vrrpScripts.add(s.location()));
    instances.stream().filter(i -> found(i.notifyScripts())).forEach(i -> vrrpScripts.add(i.location()));
    groups.stream().filter(g -> found(g.notifyScripts())).forEach(g -> vrrpScripts.add(g.location()));
    first(vrrpScripts).ifPresent(at -> problems.warning(at, "SECURITY VIOLATION - scripts are being executed but"
        + " script_security not enabled (set enable_script_security in global_defs)"));
  }

  private static Optional<Location> first(List<Location> at) {
    return at.stream().min(Comparator.comparing(Location::file).thenComparingInt(Location::line)
        .thenComparingInt(Location::column));
  }

  private static boolean found(NotifyScripts n) {
    return found(n.master()) || found(n.backup()) || found(n.fault()) || found(n.stop()) || found(n.any())
        || found(n.deleted());
  }

  /** Whether keepalived would find the program of {@code command}: as written with a '/', else on PATH. */
  static boolean found(Optional<String> command) {
    if (command.isEmpty()) {
      return false;
    }
    String[] words = command.get().replace("\"", " ").replace("'", " ").strip().split("\\s+");
    String program = words[0];
    if (program.isEmpty()) {
      return false;
    }
    try {
      if (program.indexOf('/') >= 0) {
        return Files.exists(Path.of(program));
      }
      String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
      for (String dir : path.split(":")) {
        if (Files.isRegularFile(Path.of(dir.isEmpty() ? "." : dir).resolve(program))) {
          return true;
        }
      }
    } catch (InvalidPathException e) {
      return false; // a name no file can have
    }
    return false;
  }

  private GlobalDefs globalDefs(Node block, GlobalDefs previous) {
    Optional<String> routerId = previous.routerId();
    List<String> emails = new ArrayList<>(previous.notificationEmails());
    Optional<String> from = previous.notificationEmailFrom();
    Optional<String> smtp = previous.smtpServer();
    Optional<Duration> smtpTimeout = previous.smtpConnectTimeout();
    boolean vrrpStrict = previous.vrrpStrict();
    Optional<ScriptUserConfig> scriptUser = previous.scriptUser();
    boolean scriptSecurity = previous.scriptSecurity();
    for (Node n : block.children()) {
      switch (n.name()) {
        case "router_id" -> routerId = values.single(n).map(Token::text);
        case "script_user" -> {
          if (n.args().isEmpty()) {
            problems.error(n.location(), "No script username specified"); // keepalived's words
          } else {
            scriptUser = values.scriptUser(n).or(() -> previous.scriptUser());
          }
        }
        case "enable_script_security" -> {
          if (values.arity(n, 0, 0)) {
            scriptSecurity = true;
          }
        }
        case "notification_email" -> n.lines().forEach(line -> line.forEach(t -> emails.add(t.text())));
        case "notification_email_from" -> from = values.single(n).map(Token::text);
        case "smtp_server" -> {
          if (values.arity(n, 1, 2)) {
            smtp = Optional.of(String.join(" ", n.args().stream().map(Token::text).toList()));
          }
        }
        case "smtp_connect_timeout" -> smtpTimeout = values.timer(n, Duration.ofSeconds(1), Duration.ofDays(1))
            .or(() -> previous.smtpConnectTimeout());
        case "vrrp_strict" -> {
          if (values.arity(n, 0, 0)) {
            vrrpStrict = true;
          }
        }
        case "vrrp_version" -> {
          OptionalInt v = values.integer(n, 2, 3);
          if (v.isPresent()) {
            globalVersion = v.getAsInt();
            globalVersionAt = n.location();
          }
        }
        default -> {
          if (!GarpReader.GLOBAL.contains(n.name())) {
            throw new AssertionError(n.name());
          }
          garp.readGlobal(n);
        }
      }
    }
    return new GlobalDefs(routerId, emails, from, smtp, smtpTimeout, vrrpStrict, scriptUser, scriptSecurity);
  }

  private Optional<String> name(Node n) {
    if (n.args().isEmpty()) {
      problems.error(n.location(), n.name() + " needs a name");
      return Optional.empty();
    }
    if (n.args().size() > 1) {
      problems.error(n.args().get(1).location(), n.name() + " takes one name but has an extra " + n.args().get(1));
    }
    return Optional.of(n.args().get(0).text());
  }

  private Optional<VrrpSyncGroupConfig> syncGroup(Node block) {
    Optional<String> name = name(block);
    List<String> members = new ArrayList<>();
    NotifyHooks hooks = new NotifyHooks();
    boolean sawGroup = false;
    for (Node n : block.children()) {
      if (n.name().equals("group")) {
        sawGroup = true;
        n.lines().forEach(line -> line.forEach(t -> members.add(t.text())));
      } else {
        hooks.read(n, values);
      }
    }
    if (!sawGroup || members.isEmpty()) {
      problems.error(block.location(), "vrrp_sync_group " + name.orElse("") + " has no group { ... } of instances");
    }
    return name.map(nm -> new VrrpSyncGroupConfig(nm, members, hooks.build(), block.location()));
  }

  private Optional<VrrpInstanceConfig> instance(Node block, boolean vrrpStrict) {
    Optional<String> name = name(block);
    InitialState state = null;
    String iface = null;
    Integer vrid = null;
    Integer priority = null;
    Node preemptDelayNode = null;
    Duration advert = Duration.ofSeconds(1);
    Node advertNode = null;
    Integer version = null;
    Node versionNode = null;
    Node vipNode = null;
    Optional<Authentication> auth = Optional.empty();
    List<VirtualIpAddress> vips = new ArrayList<>();
    List<VirtualIpAddress> excluded = new ArrayList<>();
    boolean preempt = true;
    Node nopreemptNode = null;
    Duration preemptDelay = Duration.ZERO;
    Optional<InetAddress> unicastSrc = Optional.empty();
    List<InetAddress> peers = new ArrayList<>();
    List<TrackedInterface> trackIfs = new ArrayList<>();
    List<TrackedScript> trackScripts = new ArrayList<>();
    NotifyHooks hooks = new NotifyHooks();
    Optional<Boolean> accept = Optional.empty();
    Node acceptNode = null;
    Optional<Boolean> strictMode = Optional.empty();
    GarpReader.Written garpWritten = new GarpReader.Written();
    for (Node n : block.children()) {
      if (GarpReader.INSTANCE.contains(n.name())) {
        garp.readInstance(n, garpWritten);
        continue;
      }
      switch (n.name()) {
        case "accept", "no_accept" -> {
          if (values.arity(n, 0, 0)) {
            accept = Optional.of(n.name().equals("accept"));
            acceptNode = n;
          }
        }
        case "strict_mode" -> strictMode = values.flag(n).or(() -> Optional.empty());
        case "state" -> {
          Optional<InitialState> s = values.choice(n, false, List.of("MASTER", "BACKUP")).map(InitialState::valueOf);
          if (state == InitialState.MASTER && s.equals(Optional.of(InitialState.BACKUP))) {
            problems.warning(n.location(), "state previously set as MASTER; BACKUP is ignored, as keepalived does");
          } else if (s.isPresent()) {
            state = s.get();
          }
        }
        case "interface" -> iface = values.single(n).map(Token::text).orElse(iface);
        case "virtual_router_id" -> {
          OptionalInt v = values.integer(n, 1, 255);
          if (v.isPresent()) {
            vrid = v.getAsInt();
          }
        }
        case "priority" -> {
          OptionalInt v = values.integer(n, 1, 255);
          if (v.isPresent()) {
            priority = v.getAsInt();
          }
        }
        case "advert_int" -> {
          Optional<Duration> a = values.timer(n, Duration.ofMillis(10), Duration.ofSeconds(255));
          if (a.isPresent()) {
            advert = a.get();
            advertNode = n;
          }
        }
        case "version" -> {
          OptionalInt v = values.integer(n, 2, 3);
          if (v.isPresent()) {
            version = v.getAsInt();
            versionNode = n;
          }
        }
        case "authentication" -> auth = authentication(n);
        case "virtual_ipaddress" -> {
          vipNode = n;
          n.lines().forEach(line -> vip(line).ifPresent(vips::add));
        }
        case "virtual_ipaddress_excluded" -> n.lines().forEach(line -> vip(line).ifPresent(excluded::add));
        case "nopreempt" -> {
          if (values.arity(n, 0, 0)) {
            preempt = false;
            nopreemptNode = n;
          }
        }
        case "preempt" -> {
          if (values.arity(n, 0, 0)) {
            preempt = true;
          }
        }
        case "preempt_delay" -> {
          preemptDelay = values.timer(n, Duration.ZERO, Duration.ofSeconds(1000)).orElse(preemptDelay);
          preemptDelayNode = n;
        }
        case "unicast_src_ip" -> unicastSrc = values.address(n).or(() -> Optional.empty());
        case "unicast_peer" -> n.lines().forEach(line -> {
          values.address(line.get(0), "unicast_peer").ifPresent(peers::add);
          if (line.size() > 1) {
            problems.warning(line.get(1).location(), "unicast_peer options are accepted but not used by lbkit");
          }
        });
        case "track_interface" -> n.lines().forEach(line -> trackedWeight(line, "track_interface", 254)
            .ifPresent(w -> trackIfs.add(new TrackedInterface(line.get(0).text(), w.orElse(0)))));
        case "track_script" -> n.lines().forEach(line -> trackedWeight(line, "track_script", 253)
            .ifPresent(w -> trackScripts.add(new TrackedScript(line.get(0).text(), w))));
        default -> hooks.read(n, values);
      }
    }
    boolean complete = name.isPresent();
    if (iface == null) {
      problems.error(block.location(), "vrrp_instance " + name.orElse("") + " has no interface");
      complete = false;
    }
    if (vrid == null) {
      problems.error(block.location(), "vrrp_instance " + name.orElse("") + " has no virtual_router_id");
      complete = false;
    }
    // keepalived 2.2.7 (vrrp.c, vrrp_complete_instance): without priority, state MASTER means the address owner (255)
    // and anything else 100; without state, the owner wants MASTER and the rest BACKUP
    if (priority == null) {
      priority = state == InitialState.MASTER ? 255 : 100;
    }
    boolean strict = strictMode.orElse(vrrpStrict);
    String label = "vrrp_instance " + name.orElse("");
    boolean ipv6 = !vips.isEmpty() && vips.get(0).address().getAddress().length == 16;
    // keepalived 2.2.7 (vrrp.c vrrp_complete_instance): IPv6 addresses without a version mean VRRPv3, else the
    // global vrrp_version (default 2) applies
    if (version == null) {
      version = ipv6 ? 3 : globalVersion;
    }
    if (ipv6 && version == 2) {
      Location at = versionNode != null ? versionNode.location()
          : globalVersionAt != null ? globalVersionAt : block.location();
      if (strict) {
        problems.warning(at, label + ": VRRP version 2 cannot carry IPv6 virtual addresses ("
            + vips.get(0).address().getHostAddress() + "); version 3 is used in strict mode, as keepalived does");
        version = 3;
      } else {
        // keepalived runs a VRRPv2 of its own over IPv6 (no authentication field); RFC 3768 is IPv4 only
        problems.error(at, label + ": version 2 with IPv6 virtual address " + vips.get(0).address().getHostAddress()
            + " is keepalived's non-standard VRRPv2 over IPv6, which lbkit does not implement; use version 3");
        complete = false;
      }
    }
    if (vips.isEmpty()) {
      Location at = vipNode != null ? vipNode.location() : block.location();
      if (version == 3 || strict) {
        // keepalived: "No VIP specified; at least one is required", and its VRRP process exits
        problems.error(at, label + ": virtual_ipaddress has no address; VRRP" + (strict ? " in strict mode" : "v3")
            + " requires at least one, and keepalived refuses to start without");
      } else {
        // keepalived only warns ("at least one is sensible") and advertises none; lbkit's VRRP needs one
        problems.error(at, label + ": virtual_ipaddress has no address; keepalived runs such a VRRPv2 instance "
            + "with a warning, but lbkit's VRRP requires at least one virtual address");
      }
      complete = false;
    }
    advert = advertInterval(advert, version, advertNode, label);
    InitialState ownerState = priority == 255 ? InitialState.MASTER : InitialState.BACKUP;
    if (state == null) {
      state = ownerState;
    } else if (strict && state != ownerState) {
      // ... in strict mode the state must follow the priority (RFC 5798: only the owner starts as Master)
      problems.warning(block.location(), "vrrp_instance " + name.orElse("") + ": in strict mode state MASTER must "
          + "match being the address owner (priority 255); state set to " + ownerState + ", as keepalived does");
      state = ownerState;
    }
    // ... and state MASTER clears nopreempt and preempt_delay, with a warning
    if (nopreemptNode != null && state == InitialState.MASTER) {
      problems.warning(nopreemptNode.location(), "nopreempt does not work with state MASTER; cleared, as keepalived "
          + "does (use state BACKUP)");
      preempt = true;
    }
    if (preemptDelayNode != null && state == InitialState.MASTER && !preemptDelay.isZero()) {
      problems.warning(preemptDelayNode.location(), "preempt_delay does not work with state MASTER; cleared, as "
          + "keepalived does (use state BACKUP)");
      preemptDelay = Duration.ZERO;
    }
    if (preemptDelayNode != null && strict && !preemptDelay.isZero()) {
      problems.warning(preemptDelayNode.location(), "preempt_delay is not allowed in strict mode; cleared, as "
          + "keepalived does");
      preemptDelay = Duration.ZERO;
    }
    if (strict && acceptNode != null && accept.orElse(false) && version == 2 && priority != 255) {
      problems.warning(acceptNode.location(), "accept does not comply with RFC 3768 (VRRP version 2) in strict mode; "
          + "no_accept is used, as keepalived does");
    }
    if (strict && auth.isPresent()) {
      problems.warning(block.location(), "strict mode has no authentication; authentication is ignored, as "
          + "keepalived does");
      auth = Optional.empty();
    } else if (version == 3 && auth.isPresent()) {
      problems.warning(block.location(), "VRRP version 3 has no authentication; authentication is ignored");
      auth = Optional.empty();
    }
    if (!complete) {
      return Optional.empty();
    }
    return Optional.of(new VrrpInstanceConfig(name.get(), state, iface, vrid, priority, advert, version, auth, vips,
        excluded, preempt, preemptDelay, accept, strict, unicastSrc, peers, trackIfs, trackScripts, hooks.build(),
        garp.complete(garpWritten, strict, block, label), block.location()));
  }

  /**
   * The advertisement interval as keepalived 2.2.7 completes it (vrrp.c vrrp_complete_instance): VRRPv2 rounds to
   * whole seconds (half up, at least 1 s), VRRPv3 to centiseconds (half up, at least 10 ms, at most 40.95 s), each
   * with a warning.
   */
  private Duration advertInterval(Duration advert, int version, Node at, String label) {
    long unit = version == 2 ? 1_000_000_000L : 10_000_000L;
    long max = version == 2 ? 255 * unit : 4095 * unit;
    long nanos = advert.toNanos();
    long adjusted;
    if (nanos > max) {
      adjusted = max;
    } else if (nanos % unit != 0) {
      adjusted = Math.max(unit, (nanos + unit / 2) / unit * unit);
    } else {
      return advert;
    }
    Duration result = Duration.ofNanos(adjusted);
    problems.warning(at.location(), label + ": advert_int " + at.args().get(0).text() + " is not "
        + (version == 2 ? "whole seconds, as VRRPv2 needs" : "in VRRPv3's units of 10 ms up to 40.95 s")
        + "; " + seconds(result) + " s is used, as keepalived does");
    return result;
  }

  private static String seconds(Duration d) {
    return java.math.BigDecimal.valueOf(d.toNanos()).movePointLeft(9).stripTrailingZeros().toPlainString();
  }

  /** {@code NAME [weight N]}: empty on error, else the optional weight. */
  private Optional<OptionalInt> trackedWeight(List<Token> line, String what, int limit) {
    if (line.size() == 1) {
      return Optional.of(OptionalInt.empty());
    }
    if (line.size() == 3 && line.get(1).text().equals("weight")) {
      OptionalInt w = values.integer(line.get(2), what + " weight", -limit, limit);
      return w.isPresent() ? Optional.of(w) : Optional.empty();
    }
    problems.error(line.get(1).location(), what + " entry must be 'NAME' or 'NAME weight N' but has " + line.get(1));
    return Optional.empty();
  }

  private Optional<Authentication> authentication(Node block) {
    AuthType type = null;
    String pass = null;
    for (Node n : block.children()) {
      if (n.name().equals("auth_type")) {
        type = values.choice(n, false, List.of("PASS", "AH")).map(AuthType::valueOf).orElse(type);
      } else {
        Optional<Token> t = values.single(n);
        if (t.isPresent()) {
          pass = t.get().text();
          if (pass.length() > Authentication.MAX_PASSWORD_LENGTH) {
            problems.warning(t.get().location(), "auth_pass is longer than 8 characters; truncated to its first 8,"
                + " as keepalived does");
            pass = pass.substring(0, Authentication.MAX_PASSWORD_LENGTH);
          }
        }
      }
    }
    if (type == null) {
      problems.error(block.location(), "authentication needs auth_type PASS or AH");
      return Optional.empty();
    }
    if (pass == null) {
      problems.error(block.location(), "authentication needs auth_pass");
      return Optional.empty();
    }
    return Optional.of(new Authentication(type, pass));
  }

  /** {@code ADDRESS[/PREFIX] [dev IF] [label L] [brd B] [scope S] ...}. */
  private Optional<VirtualIpAddress> vip(List<Token> line) {
    Token first = line.get(0);
    String text = first.text();
    int slash = text.indexOf('/');
    Optional<InetAddress> address = values.address(
        new Token(Token.Kind.WORD, slash < 0 ? text : text.substring(0, slash), first.location()), "virtual_ipaddress");
    if (address.isEmpty()) {
      return Optional.empty();
    }
    int max = address.get().getAddress().length * 8;
    int prefix = max;
    if (slash >= 0) {
      OptionalInt p = values.integer(new Token(Token.Kind.WORD, text.substring(slash + 1), first.location()),
          "virtual_ipaddress prefix length", 0, max);
      if (p.isEmpty()) {
        return Optional.empty();
      }
      prefix = p.getAsInt();
    }
    Optional<String> dev = Optional.empty();
    Optional<String> label = Optional.empty();
    for (int i = 1; i < line.size(); i++) {
      Token opt = line.get(i);
      switch (opt.text()) {
        case "dev", "label", "brd", "broadcast", "scope", "preferred_lft", "track_group", "metric" -> {
          if (i + 1 >= line.size()) {
            problems.error(opt.location(), "virtual_ipaddress option " + opt + " needs a value");
            return Optional.empty();
          }
          String value = line.get(++i).text();
          if (opt.text().equals("dev")) {
            dev = Optional.of(value);
          } else if (opt.text().equals("label")) {
            label = Optional.of(value);
          } else {
            problems.warning(opt.location(), "virtual_ipaddress option " + opt + " is accepted but not used by lbkit");
          }
        }
        case "no_track", "home", "-nodad", "nodad", "noprefixroute", "autojoin" ->
            problems.warning(opt.location(), "virtual_ipaddress option " + opt + " is accepted but not used by lbkit");
        default -> {
          problems.error(opt.location(), "unknown virtual_ipaddress option " + opt);
          return Optional.empty();
        }
      }
    }
    return Optional.of(new VirtualIpAddress(address.get(), prefix, dev, label));
  }

  private Optional<VrrpScriptConfig> script(Node block) {
    Optional<String> name = name(block);
    String script = null;
    Duration interval = Duration.ofSeconds(1);
    Optional<Duration> timeout = Optional.empty();
    int weight = 0;
    int rise = 1;
    int fall = 1;
    Optional<String> user = Optional.empty();
    for (Node n : block.children()) {
      switch (n.name()) {
        case "script" -> script = values.scriptLine(n).orElse(script);
        case "interval" -> interval = values.timer(n, Duration.ofMillis(1), Duration.ofDays(1)).orElse(interval);
        case "timeout" -> timeout = values.timer(n, Duration.ofMillis(1), Duration.ofDays(1)).or(() -> Optional.empty());
        case "weight" -> {
          if (values.arity(n, 1, 2)) {
            weight = values.integer(n.args().get(0), "weight", -253, 253).orElse(weight);
            if (n.args().size() == 2 && !n.args().get(1).text().equals("reverse")) {
              problems.error(n.args().get(1).location(), "weight may only be followed by 'reverse' but has "
                  + n.args().get(1));
            } else if (n.args().size() == 2) {
              problems.warning(n.args().get(1).location(), "'reverse' is accepted but not used by lbkit");
            }
          }
        }
        case "rise" -> rise = values.integer(n, 1, Integer.MAX_VALUE).orElse(rise);
        case "fall" -> fall = values.integer(n, 1, Integer.MAX_VALUE).orElse(fall);
        case "user" -> user = values.rest(n).or(() -> Optional.empty());
        default -> throw new AssertionError(n.name());
      }
    }
    if (script == null) {
      problems.error(block.location(), "vrrp_script " + name.orElse("") + " has no script");
      return Optional.empty();
    }
    if (name.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new VrrpScriptConfig(name.get(), script, interval, timeout.orElse(interval), weight, rise, fall,
        user, block.location()));
  }

  private void crossCheck(List<VrrpSyncGroupConfig> groups, List<VrrpInstanceConfig> instances,
      List<VrrpScriptConfig> scripts, List<VirtualServerConfig> servers) {
    Map<String, VrrpInstanceConfig> byName = new HashMap<>();
    Map<String, VrrpInstanceConfig> byRouter = new HashMap<>();
    for (VrrpInstanceConfig i : instances) {
      VrrpInstanceConfig before = byName.putIfAbsent(i.name(), i);
      if (before != null) {
        problems.error(i.location(), "vrrp_instance " + i.name() + " is already defined at " + before.location());
      }
      String router = i.interfaceName() + "/" + i.virtualRouterId() + "/"
          + (i.virtualIpAddresses().isEmpty() ? 4 : i.virtualIpAddresses().get(0).address().getAddress().length);
      VrrpInstanceConfig sameRouter = byRouter.putIfAbsent(router, i);
      if (sameRouter != null) {
        problems.error(i.location(), "vrrp_instance " + i.name() + " uses virtual_router_id " + i.virtualRouterId()
            + " on " + i.interfaceName() + ", as vrrp_instance " + sameRouter.name() + " at " + sameRouter.location()
            + " does");
      }
      for (TrackedScript t : i.trackScripts()) {
        if (scripts.stream().noneMatch(s -> s.name().equals(t.name()))) {
          problems.error(i.location(), "vrrp_instance " + i.name() + " tracks script " + t.name()
              + ", but no vrrp_script of that name is defined");
        }
      }
    }
    Map<String, String> groupOf = new HashMap<>();
    Map<String, VrrpSyncGroupConfig> groupByName = new HashMap<>();
    for (VrrpSyncGroupConfig g : groups) {
      VrrpSyncGroupConfig before = groupByName.putIfAbsent(g.name(), g);
      if (before != null) {
        problems.error(g.location(), "vrrp_sync_group " + g.name() + " is already defined at " + before.location());
      }
      for (String member : g.instances()) {
        if (!byName.containsKey(member)) {
          problems.error(g.location(), "vrrp_sync_group " + g.name() + " names vrrp_instance " + member
              + ", which is not defined");
        }
        String other = groupOf.putIfAbsent(member, g.name());
        if (other != null) {
          problems.error(g.location(), "vrrp_instance " + member + " is in vrrp_sync_group " + g.name()
              + " and in " + other + "; an instance belongs to one group at most");
        }
      }
    }
    Map<String, String> scriptNames = new HashMap<>();
    for (VrrpScriptConfig s : scripts) {
      String before = scriptNames.putIfAbsent(s.name(), s.location().toString());
      if (before != null) {
        problems.error(s.location(), "vrrp_script " + s.name() + " is already defined at " + before);
      }
    }
    Map<Object, VirtualServerConfig> services = new HashMap<>();
    for (VirtualServerConfig v : servers) {
      VirtualServerConfig before = services.putIfAbsent(v.service().key(), v);
      if (before != null) {
        problems.error(v.location(), "virtual_server " + v.service().key() + " is already defined at "
            + before.location());
      }
    }
  }

  /** Reads the notify_* keywords shared by instances and sync groups. */
  private static final class NotifyHooks {
    Optional<String> master = Optional.empty();
    Optional<String> backup = Optional.empty();
    Optional<String> fault = Optional.empty();
    Optional<String> stop = Optional.empty();
    Optional<String> any = Optional.empty();
    Optional<String> deleted = Optional.empty();
    boolean notifyDeleted;
    final Map<String, ScriptUserConfig> users = new HashMap<>();

    void read(Node n, Values values) {
      if (n.name().equals("notify_deleted")) {
        // keepalived 2.2 vrrp_parser.c: the command is optional; the keyword alone turns FAULT into DELETED
        notifyDeleted = true;
        Optional<Values.Hook> h = n.args().isEmpty() ? Optional.empty() : values.hook(n);
        deleted = h.map(Values.Hook::command);
        h.flatMap(Values.Hook::user).ifPresent(u -> users.put(n.name(), u));
        return;
      }
      Optional<Values.Hook> h = values.hook(n);
      h.flatMap(Values.Hook::user).ifPresent(u -> users.put(n.name(), u));
      Optional<String> command = h.map(Values.Hook::command);
      switch (n.name()) {
        case "notify_master" -> master = command;
        case "notify_backup" -> backup = command;
        case "notify_fault" -> fault = command;
        case "notify_stop" -> stop = command;
        case "notify" -> any = command;
        default -> throw new AssertionError(n.name());
      }
    }

    NotifyScripts build() {
      return new NotifyScripts(master, backup, fault, stop, any, deleted, notifyDeleted, users);
    }
  }
}
