/** The {@code http} filer: http(s):// inputs (GET) and outputs (PUT) through the JDK's HTTP client. */
module dev.ergon.filer.http {
    requires dev.ergon.spi;
    requires java.net.http;

    provides dev.ergon.spi.FilerProvider with
            dev.ergon.filer.http.HttpFilerProvider;
}
