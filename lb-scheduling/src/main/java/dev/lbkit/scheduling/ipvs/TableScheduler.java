package dev.lbkit.scheduling.ipvs;

import dev.lbkit.scheduling.IpvsDestination;
import dev.lbkit.scheduling.IpvsScheduler;
import java.util.ArrayList;
import java.util.List;

/**
 * What sh, dh and mh share: a lookup table rebuilt under the service lock when the list changes (and, for sh and
 * mh, on every edit) and published whole through a volatile field, so that picks read it without the lock.
 */
abstract class TableScheduler extends IpvsScheduler {

  /** Builds and publishes the table from the current list. */
  abstract void rebuild();

  /** Whether an edit ({@code upd_dest}) rebuilds the table; dh's does not. */
  boolean rebuildsOnEdit() {
    return true;
  }

  @Override
  protected final boolean lockFreePicks() {
    return true;
  }

  @Override
  protected final void init() {
    rebuild();
  }

  @Override
  protected final void added(IpvsDestination d) {
    rebuild();
  }

  @Override
  protected final void removed(IpvsDestination d, int formerIndex) {
    rebuild();
  }

  @Override
  protected final void edited(IpvsDestination d) {
    if (rebuildsOnEdit()) {
      rebuild();
    }
  }

  /** Each slot as the id of its destination ({@link IpvsDestination#id()}), -1 when empty, for state reports. */
  static List<Object> slotIds(IpvsDestination[] table) {
    List<Object> ids = new ArrayList<>(table.length);
    for (IpvsDestination d : table) {
      ids.add(d == null ? -1L : (long) d.id());
    }
    return ids;
  }
}
