/**
 * The {@code jclouds} filer: {@code s3://}, {@code gs://}, {@code azure://} ({@code az://}) and
 * {@code swift://} task inputs and outputs through Apache jclouds blobstore. jclouds jars carry
 * no module names; the names below are derived from their file names.
 */
module dev.ergon.filer.jclouds {
    requires dev.ergon.spi;
    requires jclouds.core;
    requires jclouds.blobstore;
    requires s3;
    requires sts;
    requires googlecloud;
    requires com.google.common;
    requires com.google.guice;
    requires jakarta.inject;

    provides dev.ergon.spi.FilerProvider with
            dev.ergon.filer.jclouds.JcloudsFilerProvider;
}
