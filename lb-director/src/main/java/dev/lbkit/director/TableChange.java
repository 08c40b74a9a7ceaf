package dev.lbkit.director;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.RealServer;
import dev.lbkit.api.ServiceKey;
import dev.lbkit.api.VirtualService;

/** One change to an IPVS table, as {@code ipvsadm -A/-E/-D/-a/-e/-d} would make it. */
public sealed interface TableChange {

  /** The service the change is about. */
  ServiceKey service();

  /** {@code ipvsadm -A}. */
  record AddService(VirtualService value) implements TableChange {
    public AddService {
      requireNonNull(value, "value");
    }

    @Override
    public ServiceKey service() {
      return value.key();
    }
  }

  /** {@code ipvsadm -E}: scheduler, flags or persistence changed. */
  record EditService(VirtualService value) implements TableChange {
    public EditService {
      requireNonNull(value, "value");
    }

    @Override
    public ServiceKey service() {
      return value.key();
    }
  }

  /** {@code ipvsadm -D}, with its destinations. */
  record DeleteService(ServiceKey service) implements TableChange {
    public DeleteService {
      requireNonNull(service, "service");
    }
  }

  /** {@code ipvsadm -a}. */
  record AddDestination(ServiceKey service, RealServer destination) implements TableChange {
    public AddDestination {
      requireNonNull(service, "service");
      requireNonNull(destination, "destination");
    }
  }

  /** {@code ipvsadm -e}: weight, forwarding or thresholds changed. */
  record EditDestination(ServiceKey service, RealServer destination) implements TableChange {
    public EditDestination {
      requireNonNull(service, "service");
      requireNonNull(destination, "destination");
    }
  }

  /** {@code ipvsadm -d}. */
  record DeleteDestination(ServiceKey service, Endpoint destination) implements TableChange {
    public DeleteDestination {
      requireNonNull(service, "service");
      requireNonNull(destination, "destination");
    }
  }
}
