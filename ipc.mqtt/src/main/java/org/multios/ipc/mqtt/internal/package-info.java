/** The MQTT bridge: configured bridges, their store-and-forward, console command and JMX view. Not exported. */
package org.multios.ipc.mqtt.internal;
