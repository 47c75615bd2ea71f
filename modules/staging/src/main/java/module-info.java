/**
 * The transfer engine: stages TES task inputs into a task's workspace and its outputs out of it,
 * through the filers found for each URL scheme. Also provides the {@code file} filer.
 */
module dev.ergon.staging {
    requires transitive dev.ergon.spi;

    exports dev.ergon.staging;

    uses dev.ergon.spi.FilerProvider;

    provides dev.ergon.spi.FilerProvider with
            dev.ergon.staging.FileFilerProvider;
}
