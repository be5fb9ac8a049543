/**
 * Implementation helpers of the plain-Java bootstrap that ipc.security and some mechanisms use
 * as well: the identity of this OS process ({@link org.multios.ipc.local.LocalIdentity}), a
 * caller context that decides access by owner, group and mode alone
 * ({@link org.multios.ipc.local.PosixCaller}) with its quota counts
 * ({@link org.multios.ipc.local.QuotaLedger}), and a runtime view over the providers present
 * ({@link org.multios.ipc.local.RuntimeView}).
 *
 * <p>Not exported: no bundle imports this package. A bundle that needs it copies the classes into
 * itself at build time (bnd {@code -conditionalpackage: org.multios.ipc.local}), so each keeps
 * them private and the SPI carries interfaces and the types that cross bundles only. Nothing here
 * holds static state, so the copies cannot disagree.
 */
package org.multios.ipc.local;
