package com.pb.synth.tradecapture.support;

/** Operations a test may run on the servers {@link RealServers} started. */
public interface ServerControlMBean {

    void stopRedis();

    void startRedis();

    void stopPostgres();

    void startPostgres();
}
