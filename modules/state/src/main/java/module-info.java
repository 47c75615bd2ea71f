/**
 * Ergon's state: the PostgreSQL schema (Flyway), JPA entities (EclipseLink), the task state
 * machine, controller leases, the PostgreSQL LISTEN/NOTIFY event bus and the embedded database.
 */
module dev.ergon.state {
    requires transitive dev.ergon.spi;
    requires transitive java.sql;
    requires transitive jakarta.persistence;
    requires org.eclipse.persistence.core;
    requires org.eclipse.persistence.jpa;
    requires com.zaxxer.hikari;
    requires org.postgresql.jdbc;
    requires flyway.core;
    requires embedded.postgres;
    requires jakarta.json;

    exports dev.ergon.state;

    opens dev.ergon.state to
            org.eclipse.persistence.core,
            org.eclipse.persistence.jpa;

    provides dev.ergon.spi.EventBusProvider with
            dev.ergon.state.PostgresEventBusProvider;
}
