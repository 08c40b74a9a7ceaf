package dev.lbkit.ipvs;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;

/**
 * One change to the IPVS table, as {@link IpvsClient#execute(java.util.List)} applies it in bulk and
 * {@link IpvsReconciler} plans it. Immutable.
 */
public sealed interface IpvsChange {

  /** What the change does, worded as in error messages: {@code add service TCP 192.0.2.10:80}. */
  String describe();

  /** The service the change is about. */
  ServiceKey serviceKey();

  /** {@code ipvsadm -A}. */
  record AddService(VirtualService service) implements IpvsChange {
    public AddService {
      requireNonNull(service, "service");
    }

    @Override
    public String describe() {
      return "add service " + service.key();
    }

    @Override
    public ServiceKey serviceKey() {
      return service.key();
    }
  }

  /** {@code ipvsadm -E}. */
  record EditService(VirtualService service) implements IpvsChange {
    public EditService {
      requireNonNull(service, "service");
    }

    @Override
    public String describe() {
      return "edit service " + service.key();
    }

    @Override
    public ServiceKey serviceKey() {
      return service.key();
    }
  }

  /** {@code ipvsadm -D}. */
  record DeleteService(ServiceKey key) implements IpvsChange {
    public DeleteService {
      requireNonNull(key, "key");
    }

    @Override
    public String describe() {
      return "delete service " + key;
    }

    @Override
    public ServiceKey serviceKey() {
      return key;
    }
  }

  /** {@code ipvsadm -a}. */
  record AddDestination(ServiceKey service, RealServer destination) implements IpvsChange {
    public AddDestination {
      requireNonNull(service, "service");
      requireNonNull(destination, "destination");
    }

    @Override
    public String describe() {
      return "add destination " + destination.endpoint() + " to " + service;
    }

    @Override
    public ServiceKey serviceKey() {
      return service;
    }
  }

  /** {@code ipvsadm -e}. */
  record EditDestination(ServiceKey service, RealServer destination) implements IpvsChange {
    public EditDestination {
      requireNonNull(service, "service");
      requireNonNull(destination, "destination");
    }

    @Override
    public String describe() {
      return "edit destination " + destination.endpoint() + " of " + service;
    }

    @Override
    public ServiceKey serviceKey() {
      return service;
    }
  }

  /** {@code ipvsadm -d}. */
  record DeleteDestination(ServiceKey service, Endpoint destination) implements IpvsChange {
    public DeleteDestination {
      requireNonNull(service, "service");
      requireNonNull(destination, "destination");
    }

    @Override
    public String describe() {
      return "delete destination " + destination + " from " + service;
    }

    @Override
    public ServiceKey serviceKey() {
      return service;
    }
  }
}
