/**
 * WES language adapters: each turns a run of its language into the engine task that runs it and
 * reads the engine's results back. Nextflow, WDL (Toil, miniwdl or Cromwell), Snakemake, CWL
 * (cwltool or Toil), and Ergon's own DAG format, which Ergon runs itself as one TES task per node.
 */
module dev.ergon.adapters {
    requires transitive dev.ergon.spi;
    requires org.yaml.snakeyaml;
    requires java.net.http;

    exports dev.ergon.adapters;

    provides dev.ergon.spi.LanguageAdapterProvider with
            dev.ergon.adapters.CwlAdapterProvider,
            dev.ergon.adapters.WdlAdapterProvider,
            dev.ergon.adapters.SnakemakeAdapterProvider,
            dev.ergon.adapters.NextflowAdapterProvider,
            dev.ergon.adapters.DagAdapterProvider;
}
