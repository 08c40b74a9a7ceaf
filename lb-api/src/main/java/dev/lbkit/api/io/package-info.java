/**
 * Reading the files an operator hands lbkit (configurations, trace files, rule files): {@link
 * dev.lbkit.api.io.InputFiles} reads them within a size limit, refusing a larger one with a typed {@link
 * dev.lbkit.api.io.InputTooLargeException}, and words read failures for an operator.
 */
@Beta
package dev.lbkit.api.io;

import dev.lbkit.api.Beta;
