/** The director's output port: {@link dev.lbkit.director.spi.TableWriter}. */
package dev.lbkit.director.spi;
