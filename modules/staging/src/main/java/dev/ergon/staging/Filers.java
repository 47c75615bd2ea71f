package dev.ergon.staging;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.Filer;
import dev.ergon.spi.FilerCapability;
import dev.ergon.spi.FilerProvider;
import dev.ergon.spi.ProviderContext;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The filers of this process, by URL scheme. Every {@link FilerProvider} found is used, each for
 * the schemes its filer serves; two filers serving one scheme is a start-up error. Immutable and
 * thread-safe; {@link #close()} closes the filers.
 */
public final class Filers implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Filers.class.getName());

    private final List<Filer> filers;
    private final Map<String, Filer> byScheme;

    /**
     * Serves each scheme with the filer that names it.
     *
     * @throws ErgonException INVALID_INPUT when two filers serve the same scheme
     */
    public Filers(List<? extends Filer> filers) {
        this.filers = List.copyOf(requireNonNull(filers, "filers is null"));
        Map<String, Filer> map = new TreeMap<>();
        for (Filer f : this.filers) {
            for (String scheme : f.schemes()) {
                String s = scheme.toLowerCase(Locale.ROOT);
                Filer previous = map.putIfAbsent(s, f);
                if (previous != null) {
                    throw new ErgonException(
                            ErrorKind.INVALID_INPUT,
                            "scheme '" + s + "' is served by two filers: " + describe(previous) + " and " + describe(f)
                                    + "; remove one of them from the class path");
                }
            }
        }
        this.byScheme = Collections.unmodifiableMap(map);
    }

    /**
     * Creates a filer from every {@link FilerProvider} that {@link ServiceLoader} finds.
     *
     * @param contextForProviderName the context (settings under {@code ergon.filer.<name>.}) for
     *     the provider of that name
     */
    public static Filers load(Function<String, ProviderContext> contextForProviderName) {
        return load(ServiceLoader.load(FilerProvider.class), contextForProviderName);
    }

    /** Creates a filer from each of {@code providers}; closes those created if one fails. */
    static Filers load(Iterable<FilerProvider> providers, Function<String, ProviderContext> contextForProviderName) {
        requireNonNull(contextForProviderName, "contextForProviderName is null");
        Map<String, FilerProvider> byName = new LinkedHashMap<>();
        List<FilerProvider> sorted = new ArrayList<>();
        providers.forEach(sorted::add);
        sorted.sort(Comparator.comparing(FilerProvider::name));
        for (FilerProvider p : sorted) {
            FilerProvider previous = byName.putIfAbsent(p.name(), p);
            if (previous != null) {
                throw new ErgonException(
                        ErrorKind.INVALID_INPUT,
                        "two filer providers are named '" + p.name() + "': "
                                + previous.getClass().getName() + " and "
                                + p.getClass().getName());
            }
        }
        List<Filer> created = new ArrayList<>();
        try {
            for (FilerProvider p : byName.values()) {
                Filer f = p.create(contextForProviderName.apply(p.name()));
                created.add(f);
                LOG.log(
                        Level.INFO,
                        "Registering filer ''{0}'' for schemes {1} ({2})",
                        p.name(),
                        new TreeSet<>(f.schemes()),
                        origin(p.getClass()));
            }
            return new Filers(created);
        } catch (RuntimeException e) {
            closeAll(created, e);
            throw e;
        }
    }

    /** The filer serving {@code scheme} (case-insensitive), if any. */
    public Optional<Filer> forScheme(String scheme) {
        requireNonNull(scheme, "scheme is null");
        return Optional.ofNullable(byScheme.get(scheme.toLowerCase(Locale.ROOT)));
    }

    /**
     * The filer for {@code uri}, which must be able to do {@code needed}.
     *
     * @param field the request field the URL came from, e.g. {@code inputs[0].url}, for the error
     * @throws ErgonException INVALID_INPUT naming {@code field} when no filer serves the URL's
     *     scheme or the one that does lacks {@code needed}
     */
    public Filer require(URI uri, FilerCapability needed, String field) {
        requireNonNull(uri, "uri is null");
        requireNonNull(needed, "needed is null");
        requireNonNull(field, "field is null");
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw ErgonException.invalid(
                    field, "'" + Urls.redact(uri) + "' has no scheme (expected e.g. s3://, https://, file://)");
        }
        Filer f = forScheme(scheme)
                .orElseThrow(() -> ErgonException.invalid(
                        field,
                        "no filer serves scheme '" + scheme.toLowerCase(Locale.ROOT) + "'; schemes served: "
                                + (byScheme.isEmpty() ? "none" : String.join(", ", byScheme.keySet()))));
        if (!f.capabilities().contains(needed)) {
            throw ErgonException.invalid(
                    field,
                    scheme.toLowerCase(Locale.ROOT) + ":// URLs do not support " + needed + " (supported: "
                            + new TreeSet<>(f.capabilities()) + ")");
        }
        return f;
    }

    /** The schemes served, lower case, sorted. */
    public Set<String> schemes() {
        return Collections.unmodifiableSet(new TreeSet<>(byScheme.keySet()));
    }

    /** Closes every filer; failures are logged, not thrown. */
    @Override
    public void close() {
        closeAll(filers, null);
    }

    private static void closeAll(List<Filer> filers, RuntimeException primary) {
        for (Filer f : filers.reversed()) {
            try {
                f.close();
            } catch (Exception e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else {
                    LOG.log(Level.WARNING, "Closing filer " + describe(f) + " failed", e);
                }
            }
        }
    }

    private static String describe(Filer f) {
        return f.getClass().getSimpleName() + " (" + origin(f.getClass()) + ")";
    }

    /** The module a class comes from, or its package on the class path. */
    private static String origin(Class<?> c) {
        return c.getModule().isNamed() ? c.getModule().getName() : c.getPackageName();
    }
}
