package dev.ergon.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Requested resources (TES {@code tesResources}).
 *
 * @param cpuCores requested CPU cores
 * @param preemptible whether the task may run on preemptible capacity
 * @param ramGb requested RAM in GB
 * @param diskGb requested disk in GB
 * @param zones requested zones
 * @param backendParameters backend-specific parameters
 * @param backendParametersStrict when true, an unsupported backend parameter fails the task
 */
public record ResourceSpec(
        OptionalInt cpuCores,
        boolean preemptible,
        OptionalDouble ramGb,
        OptionalDouble diskGb,
        List<String> zones,
        Map<String, String> backendParameters,
        boolean backendParametersStrict) {
    public ResourceSpec {
        requireNonNull(cpuCores, "cpuCores is null");
        requireNonNull(ramGb, "ramGb is null");
        requireNonNull(diskGb, "diskGb is null");
        zones = List.copyOf(requireNonNull(zones, "zones is null"));
        backendParameters = Map.copyOf(requireNonNull(backendParameters, "backendParameters is null"));
    }

    /** No resources requested. */
    public static ResourceSpec none() {
        return new ResourceSpec(
                OptionalInt.empty(), false, OptionalDouble.empty(), OptionalDouble.empty(), List.of(), Map.of(), false);
    }
}
