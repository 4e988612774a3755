package com.pb.synth.tradecapture.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseUrlConfigSourceFactoryTest {

    @Test
    void aPostgresqlUrlFeedsBothDatasourceUrls() {
        Map<String, String> p = DatabaseUrlConfigSourceFactory.derive("jdbc:postgresql://db-us:5432/tradecapture");
        assertThat(p).containsEntry("capture.store.kind", "postgresql")
                .containsEntry("quarkus.datasource.jdbc.url", "jdbc:postgresql://db-us:5432/tradecapture")
                .containsEntry("quarkus.datasource.reactive.url", "postgresql://db-us:5432/tradecapture")
                .doesNotContainKey("quarkus.datasource.active");
    }

    @Test
    void theSourceDocumentsSqlServerUrlSelectsSqlServerAndItsSettings() {
        Map<String, String> p = DatabaseUrlConfigSourceFactory.derive(
                "jdbc:sqlserver://sqlserver-emea:1433;databaseName=tradecapture;encrypt=true;"
                        + "trustServerCertificate=false;trustStore=/etc/pki/ca.p12;trustStorePassword=changeit", null);
        assertThat(p).containsEntry("capture.store.kind", "mssql")
                .containsEntry("quarkus.datasource.active", "false")
                .containsEntry("capture.store.mssql.host", "sqlserver-emea")
                .containsEntry("capture.store.mssql.port", "1433")
                .containsEntry("capture.store.mssql.database", "tradecapture")
                .containsEntry("capture.store.mssql.encrypt", "true")
                .containsEntry("capture.store.mssql.trust-server-certificate", "false")
                .containsEntry("capture.store.mssql.trust-store", "/etc/pki/ca.p12")
                .doesNotContainKey("quarkus.datasource.jdbc.url");
        assertThat(DatabaseUrlConfigSourceFactory.derive("jdbc:sqlserver://sql1\\REGION;databaseName=tc;encrypt=false", null))
                .containsEntry("capture.store.mssql.host", "sql1").containsEntry("capture.store.mssql.encrypt", "false")
                .doesNotContainKey("capture.store.mssql.port");
    }

    @Test
    void dbKindWinsOverTheUrlsForm() {
        assertThat(DatabaseUrlConfigSourceFactory.derive("jdbc:postgresql://localhost/tc", "MSSQL"))
                .containsEntry("capture.store.kind", "mssql").containsEntry("quarkus.datasource.active", "false");
    }
}
