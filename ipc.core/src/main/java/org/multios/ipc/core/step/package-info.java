/**
 * The guard of a handle's transfer steps against revocation and closing, shared by the mechanism
 * bundles ({@link org.multios.ipc.core.step.StepGuard}): a step costs ordered stores and volatile
 * reads of the stepping thread's own slot, no atomic operation; revoking and closing pay a
 * process-wide fence ({@link org.multios.ipc.core.mapped.ProcessFence}) and wait for the steps
 * under way. Where the fence is missing, steps go through the grant's own gate
 * ({@link org.multios.ipc.spi.Grant#enterStep}). {@link org.multios.ipc.core.step.SteppedHandle}
 * is the one base of the handles that step under a guard: how a step is entered and exited, and
 * how revocation and closing drain it. {@link org.multios.ipc.core.step.CounterSlots} keeps counters per
 * handle and per step token in an object's file, summed by readers.
 *
 * <p>For mechanism bundles (ipc.sync, ipc.channels); client bundles use the API.
 */
@Export
@Version("1.2.0")
package org.multios.ipc.core.step;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
