/** Program the kernel's IPVS table, and print it as ipvsadm does ({@link dev.lbkit.ipvs.IpvsadmFormat}). */
package dev.lbkit.ipvs;
