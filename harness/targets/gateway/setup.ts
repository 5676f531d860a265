/**
 * Playwright `globalSetup` of the `gateway` target (DESIGN §12): the settings are read and the
 * embedded cloud and broker started once for the whole run, in the runner process, so they outlive
 * worker restarts. A setting that is missing, or a gateway that never comes online, stops the run
 * here, once, before any test. The teardown closes the world and fails the run if the broker refused
 * anything of the gateway after the GWP-06 test looked (TEST-PLAN GWP-06 "over the whole run").
 */
import { gatewaySettings } from './settings.ts';
import { HOST_ENV, hostParts, instructions, startGatewayHost, waitForGateway } from './host.ts';
import { emitRunWire, stationDir, waitShown } from '../../station/feed.ts';

export default async function gatewaySetup(): Promise<() => Promise<void>> {
  const settings = gatewaySettings();
  process.stdout.write(`${instructions(settings)}\n`);
  const { world, info } = await startGatewayHost(settings);
  // The station's device panel: every publish the broker routes (status, will, commands, acks, events).
  const offPublish = stationDir() ? hostParts(world).broker.onPublish((topic, payload) => emitRunWire('mqtt', topic, payload.toString('utf8'))) : undefined;
  try {
    // The station page counts this wait down (before any test: no test ID).
    await waitShown('', `gateway ${settings.apId} to connect and publish its status`, settings.waitS * 1000, () => waitForGateway(world, settings.apId, settings.waitS));
  } catch (e) {
    await world.close();
    throw e;
  }
  const { broker } = hostParts(world);
  const record = broker.clientRecords()[`gw:${settings.apId}`];
  emitRunWire('control', `gateway CONNECT accepted: client id ${record?.clientId ?? '?'}, ${record?.connects ?? 0} connect(s), refused: ${record?.refusals.join('; ') || 'nothing'}`);
  process.stdout.write(`gateway ${settings.apId} is online (client id ${record?.clientId ?? '?'}); running the suite\n`);
  // Workers are started after global setup and inherit its environment.
  process.env[HOST_ENV] = JSON.stringify(info);
  return async () => {
    const end = broker.clientRecords()[`gw:${settings.apId}`];
    const strangers = broker.strangers();
    offPublish?.();
    await world.close();
    // DESIGN §4 security: refusals of clients that never authenticated say nothing of the gateway under test — reported apart.
    if (strangers.refused > 0) {
      process.stdout.write(`gateway target: the broker refused ${strangers.refused} CONNECT(s) of clients that never authenticated (not gw:${settings.apId}'s verdict; ${strangers.slowed} slowed); latest: ${strangers.last.slice(-3).join('; ')}\n`);
    }
    const refused = end ? end.refused.connect + end.refused.publish + end.refused.subscribe + end.errors : 0;
    if (refused > 0) {
      throw new Error(`GWP-06: over the whole run the broker refused or dropped for errors ${refused} thing(s) of gw:${settings.apId}: ${end!.refusals.join('; ')}${end!.errors ? `; ${end!.errors} protocol error(s)` : ''}`);
    }
    if (end && end.malformed > 0) {
      throw new Error(`GWP-06: over the whole run the device sent ${end.malformed} message(s) outside DESIGN §4 as gw:${settings.apId}: ${end.malformedMessages.join('; ')}`);
    }
  };
}
