package com.pb.synth.tradecapture.support;

/** Operations a test may run on the servers {@link RealServers} started. */
public interface ServerControlMBean {

    void stopRedis();

    void startRedis();

    void stopPostgres();

    void startPostgres();

    /** Shuts the broker down (the KRaft controller stays up); {@link #startKafka()} brings it back on its port. */
    void stopKafka();

    void startKafka();
}
