package dev.ergon.wes;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The engines behind each bundled adapter, for service-info and for checking {@code
 * workflow_engine} (the SPI does not describe engines yet).
 */
final class EngineCatalog {
    private EngineCatalog() {}

    /** adapter name → engines that can run its runs. */
    static final Map<String, List<String>> ENGINES = Map.of(
            "cwl", List.of("cwltool", "toil"),
            "wdl", List.of("toil", "miniwdl", "cromwell"),
            "snakemake", List.of("snakemake"),
            "nextflow", List.of("nextflow"),
            "dag", List.of("ergon"));

    /** engine → versions Ergon was tested with. */
    static final Map<String, List<String>> VERSIONS = new TreeMap<>(Map.of(
            "cwltool", List.of("3.1"),
            "toil", List.of("5.9"),
            "miniwdl", List.of("1.11"),
            "cromwell", List.of("87"),
            "snakemake", List.of("7.21"),
            "nextflow", List.of("24.10.0"),
            "ergon", List.of("0.1.0")));

    /** Engine parameters the adapters understand: name, type, default. */
    static final List<List<String>> PARAMETERS = List.of(
            List.of("extra-args", "string", ""),
            List.of("targets", "string", ""),
            List.of("cores", "integer", "1"),
            List.of("profile", "string", ""),
            List.of("resume", "boolean", "false"));

    static List<String> engines(String adapter) {
        return ENGINES.getOrDefault(adapter, List.of(adapter));
    }
}
