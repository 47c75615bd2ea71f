/**
 * Ergon's service provider interfaces. Four SPIs share one shape: a stateless provider found by
 * {@link java.util.ServiceLoader} with {@code name()}, {@code configProperties()} and {@code
 * create(ProviderContext)}, and the thread-safe object it creates:
 *
 * <ul>
 *   <li>{@link dev.ergon.spi.ExecutorBackend} runs tasks' executors;
 *   <li>{@link dev.ergon.spi.Filer} moves inputs and outputs;
 *   <li>{@link dev.ergon.spi.EventBus} carries state-change wake-ups;
 *   <li>{@link dev.ergon.spi.LanguageAdapter} turns WES runs into engine tasks.
 * </ul>
 */
package dev.ergon.spi;
