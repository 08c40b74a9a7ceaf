package dev.lbkit.vrrp.lab;

import dev.lbkit.api.AddressFamily;
import dev.lbkit.vrrp.LinuxVrrp;
import dev.lbkit.vrrp.VrrpRouter;
import dev.lbkit.vrrp.internal.codec.VrrpCodec;
import dev.lbkit.vrrp.internal.codec.VrrpPacket;
import dev.lbkit.vrrp.spi.VrrpDatagram;
import dev.lbkit.vrrp.spi.VrrpTransport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plays a lower-priority router at chosen moments after a Master's first advertisement, for the ITs of keepalived's
 * garp_lower_prio_* settings. Started by {@link Lab#java} in a lab namespace:
 * {@code LabAdvertiser FAMILY VERSION PRIORITY OFFSET_MS,... VRID=VIP...}. For each VRID it waits for the first
 * advertisement (of non-zero priority) on eth0, then at each offset after its arrival (kernel time stamp) multicasts
 * one advertisement of that VRID with PRIORITY and the VIP, 1 s interval, TTL / hop limit 255, and prints
 * {@code SENT vrid nanoTime}; {@code DONE} when all are sent. System.nanoTime is CLOCK_MONOTONIC, comparable across
 * the lab's processes.
 */
public final class LabAdvertiser {
  private LabAdvertiser() {}

  private record Plan(int vrid, InetAddress vip, List<Long> due) {}

  public static void main(String[] args) throws Exception {
    AddressFamily family = AddressFamily.valueOf(args[0]);
    int version = Integer.parseInt(args[1]);
    int priority = Integer.parseInt(args[2]);
    List<Long> offsets = new ArrayList<>();
    for (String o : args[3].split(",")) {
      offsets.add(Long.parseLong(o) * 1_000_000L);
    }
    List<Plan> plans = new ArrayList<>();
    for (int i = 4; i < args.length; i++) {
      String[] kv = args[i].split("=");
      plans.add(new Plan(Integer.parseInt(kv[0]), InetAddress.getByName(kv[1]), new ArrayList<>()));
    }
    InetAddress group = VrrpRouter.multicastGroup(family);
    try (VrrpTransport t = LinuxVrrp.transport()) {
      t.open("eth0", family);
      InetAddress self = t.primaryAddress("eth0", family);
      System.out.println("READY " + System.nanoTime());
      System.out.flush();
      int left = plans.size() * offsets.size();
      long giveUp = System.nanoTime() + 60_000_000_000L;
      while (left > 0 && System.nanoTime() < giveUp) {
        long next = Long.MAX_VALUE;
        for (Plan p : plans) {
          for (long due : p.due()) {
            next = Math.min(next, due);
          }
        }
        long wait = next == Long.MAX_VALUE ? 50_000_000L : Math.max(0, next - System.nanoTime());
        Optional<VrrpDatagram> d = t.receive(Duration.ofNanos(Math.min(wait, 50_000_000L)));
        if (d.isPresent() && d.get().payload().length > 2 && d.get().payload()[2] != 0) {
          int vrid = d.get().payload()[1] & 0xff;
          long arrival = System.nanoTime() - d.get().age().toNanos();
          for (Plan p : plans) {
            if (p.vrid() == vrid && p.due().isEmpty() && !d.get().source().equals(self)) {
              offsets.forEach(o -> p.due().add(arrival + o));
              System.out.println("FIRST " + vrid + " " + arrival);
              System.out.flush();
            }
          }
        }
        long now = System.nanoTime();
        for (Plan p : plans) {
          for (int i = 0; i < p.due().size(); i++) {
            if (p.due().get(i) != Long.MAX_VALUE && now >= p.due().get(i)) {
              VrrpPacket packet = version == 2
                  ? VrrpPacket.v2(p.vrid(), priority, Duration.ofSeconds(1), VrrpPacket.AUTH_NONE, new byte[8],
                      List.of(p.vip()))
                  : VrrpPacket.v3(p.vrid(), priority, Duration.ofSeconds(1), List.of(p.vip()));
              t.send(new VrrpDatagram("eth0", self, group, VrrpCodec.REQUIRED_TTL,
                  VrrpCodec.encode(packet, self, group)));
              System.out.println("SENT " + p.vrid() + " " + System.nanoTime());
              System.out.flush();
              p.due().set(i, Long.MAX_VALUE);
              left--;
            }
          }
        }
      }
      System.out.println(left == 0 ? "DONE" : "TIMEOUT " + left);
      System.out.flush();
    }
  }
}
