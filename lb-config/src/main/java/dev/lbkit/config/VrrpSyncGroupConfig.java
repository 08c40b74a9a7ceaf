package dev.lbkit.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A {@code vrrp_sync_group}: VRRP instances that change state together.
 *
 * @param name the group's name
 * @param instances the names of its instances ({@code group { ... }}), each a {@link VrrpInstanceConfig} of the
 *     same configuration
 * @param notifyScripts its notify hooks
 * @param location where the group is defined
 */
public record VrrpSyncGroupConfig(String name, List<String> instances, NotifyScripts notifyScripts, Location location) {
  public VrrpSyncGroupConfig {
    requireNonNull(name, "name");
    instances = List.copyOf(instances);
    requireNonNull(notifyScripts, "notifyScripts");
    requireNonNull(location, "location");
  }
}
