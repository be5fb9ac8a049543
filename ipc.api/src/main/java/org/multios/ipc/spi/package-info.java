/**
 * The service provider interface between mechanism bundles and the bundles that stand between
 * them and their callers (ipc.security in OSGi, the {@link org.multios.ipc.Ipc} bootstrap
 * outside it).
 *
 * <p>A mechanism registers a {@link org.multios.ipc.spi.MechanismProvider}; it never registers
 * an API service itself. ipc.security hides every provider from other bundles and publishes, per
 * calling bundle, the API service that {@link org.multios.ipc.spi.MechanismProvider#bind}
 * returns for that bundle's {@link org.multios.ipc.spi.CallerContext}. The caller context names
 * the calling process and decides access when a handle is opened or created; the handle keeps
 * the granted rights and each operation tests them.
 *
 * <p>{@link org.multios.ipc.spi.PlatformConfiguration} holds the configuration PIDs and how a
 * mechanism component reads its IPC root and limits; {@link org.multios.ipc.spi.LocalPlatform}
 * opens the plain-Java bootstrap with mechanisms of the caller's choice (tests, benchmarks).
 * The cross-process machinery the mechanisms share (mapped files, futex waits, the C library
 * binding) is not here but in the ipc.core bundle ({@code org.multios.ipc.core.mapped},
 * {@code org.multios.ipc.core.posix}).
 *
 * <p>This package is for mechanism, security and console bundles only; client bundles use the
 * API packages.
 */
@Export
@Version("3.5.0")
package org.multios.ipc.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
