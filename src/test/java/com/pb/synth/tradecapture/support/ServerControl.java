package com.pb.synth.tradecapture.support;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Stops and restarts the test servers from a test. The test resource registers them as a platform
 * MBean, so a test loaded by Quarkus's class loader reaches servers started from another one.
 */
public final class ServerControl implements ServerControlMBean {

    static final String NAME = "tradecapture.test:type=Servers";

    private final Runnable stopRedis;
    private final Runnable startRedis;
    private final Runnable stopPostgres;
    private final Runnable startPostgres;
    private final Runnable stopKafka;
    private final Runnable startKafka;

    ServerControl(Runnable stopRedis, Runnable startRedis, Runnable stopPostgres, Runnable startPostgres,
                  Runnable stopKafka, Runnable startKafka) {
        this.stopRedis = stopRedis;
        this.startRedis = startRedis;
        this.stopPostgres = stopPostgres;
        this.startPostgres = startPostgres;
        this.stopKafka = stopKafka;
        this.startKafka = startKafka;
    }

    void register() throws JMException {
        ObjectName name = new ObjectName(NAME);
        var server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        server.registerMBean(this, name);
    }

    @Override
    public void stopRedis() {
        stopRedis.run();
    }

    @Override
    public void startRedis() {
        startRedis.run();
    }

    @Override
    public void stopPostgres() {
        stopPostgres.run();
    }

    @Override
    public void startPostgres() {
        startPostgres.run();
    }

    @Override
    public void stopKafka() {
        stopKafka.run();
    }

    @Override
    public void startKafka() {
        startKafka.run();
    }

    /** Runs one of the operations above on the registered servers. */
    public static void invoke(String operation) {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(NAME), operation, null, null);
        } catch (JMException e) {
            throw new IllegalStateException(operation + " failed", e);
        }
    }
}
