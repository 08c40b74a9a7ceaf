/**
 * keepalived.conf import: start with {@link dev.lbkit.config.KeepalivedConfigParser}; the model is
 * {@link dev.lbkit.config.KeepalivedConfig}, whose virtual servers map onto {@link dev.lbkit.api.VirtualService},
 * {@link dev.lbkit.api.RealServer} and {@link dev.lbkit.api.LoadBalancedService}.
 */
package dev.lbkit.config;
