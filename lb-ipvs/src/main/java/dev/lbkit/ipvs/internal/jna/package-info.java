/** The native edge: the few socket calls netlink needs, bound with JNA. Nothing else imports com.sun.jna. */
package dev.lbkit.ipvs.internal.jna;
