import { startWebhookReceiver, WebhookReceiver } from '../../connectors/webhook-sink';
import { sha256Hex } from '../../src/core/hashing';
import type { ApiRole } from '../../src/core/config/config.schema';
import { ApiError, HubApi, signAs, sleep } from '../../src/demo/sas-driver';
import { PRINCIPAL, SECOND_TEACHER, TEACHER, validSubmission } from '../support/fixtures';
import { startTestHub, TestHub, waitForStatus } from '../support/test-hub';

/**
 * Per-municipality signing rules: sequential order, rektor on every catalog, BankID-signed
 * approvals, a signing deadline with reminders reported to the SAS. Orders auto-complete.
 */

const SECRET = 'rules-webhook-secret-abcdef';
const APPROVER_PN = '196801029288'; // Skatteverket test personnummer

function client(id: string, key: string, roles: ApiRole[]) {
  return {
    id,
    keySha256: sha256Hex(key),
    municipalityCode: '2281',
    schoolUnits: ['*'],
    roles,
    displayName: id,
  };
}

interface CatalogBody {
  id: string;
  status: string;
  signers: { role: string; personalNumber: string; signed: boolean }[];
  signing: { order: string; overdue: boolean; deadline: string | null };
  approval: { decision: string }[];
  timeline: { type: string; data: Record<string, unknown> | null }[];
}

describe('signing rules per municipality (sequential, rektor, BankID-signed approval, deadline)', () => {
  let hub: TestHub;
  let receiver: WebhookReceiver;
  let sas: HubApi;
  let approver: HubApi;
  let sasAndApprover: HubApi;

  beforeAll(async () => {
    process.env.RULES_WEBHOOK_SECRET = SECRET;
    receiver = await startWebhookReceiver(SECRET);
    const keys = {
      sas: 'rules-sas-key-1',
      approver: 'rules-approver-key-1',
      both: 'rules-both-key-1',
      admin: 'rules-admin-key-1',
    };
    hub = await startTestHub('rules', {
      configOverrides: {
        apiClients: [
          client('rules-sas', keys.sas, ['sas']),
          client('rules-approver', keys.approver, ['approver']),
          client('rules-sas-approver', keys.both, ['sas', 'approver']),
          client('rules-admin', keys.admin, ['admin']),
        ],
        resultSinks: [
          {
            name: 'sas-2281',
            municipalityCode: '2281',
            url: receiver.url,
            secretEnv: 'RULES_WEBHOOK_SECRET',
            timeoutMs: 5000,
          },
        ],
        signingRules: {
          scanIntervalMs: 250,
          municipalities: {
            '2281': {
              order: 'SEQUENTIAL',
              principalSigns: 'ALWAYS',
              approvalRequiresBankId: true,
              reminderMinutes: [0.01],
              deadlineMinutes: 0.04,
            },
          },
        },
      },
    });
    sas = new HubApi(hub.url, keys.sas);
    approver = new HubApi(hub.url, keys.approver);
    sasAndApprover = new HubApi(hub.url, keys.both);
  });
  afterAll(async () => {
    await hub?.stop();
    await receiver?.close();
  });

  const failedWith = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected an error');
      },
      (e: ApiError) => e,
    );
  async function submitted(api: HubApi, overrides: Record<string, unknown> = {}): Promise<string> {
    const { body } = await api.call<{ id: string }>(
      'POST',
      '/api/v1/catalogs',
      validSubmission({ principal: PRINCIPAL, ...overrides }),
    );
    await waitForStatus(api, body.id, ['AWAITING_SIGNATURE']);
    return body.id;
  }

  it('rektor signs every catalog when configured, and signers sign in order', async () => {
    const id = await submitted(sas, {
      gradingTeachers: [
        { ...TEACHER, legitimated: true },
        { ...SECOND_TEACHER, legitimated: false },
      ],
    });
    const body = (await sas.call<CatalogBody>('GET', `/api/v1/catalogs/${id}`)).body;
    expect(body.signers.map((s) => s.role)).toEqual(['GRADING_TEACHER', 'GRADING_TEACHER', 'PRINCIPAL']);
    expect(body.signing.order).toBe('SEQUENTIAL');
    const early = await failedWith(
      sas.call('POST', `/api/v1/catalogs/${id}/signing-sessions`, {
        signerPersonalNumber: PRINCIPAL.personalNumber,
        endUserIp: '192.0.2.1',
      }),
    );
    expect(early).toMatchObject({ status: 409, body: { detail: expect.stringContaining('sequential') } });
    for (const person of [TEACHER, SECOND_TEACHER, PRINCIPAL]) {
      expect((await signAs(sas, id, person.personalNumber, 100)).status).toBe('COMPLETE');
    }
    await waitForStatus(sas, id, ['AWAITING_APPROVAL']);
  });

  it('approval is BankID-signed by the approver (202 + session), and takes effect when the signature verifies', async () => {
    const id = await submitted(sas);
    for (const person of [TEACHER, PRINCIPAL]) await signAs(sas, id, person.personalNumber, 100);
    await waitForStatus(sas, id, ['AWAITING_APPROVAL']);
    // The approver must not be a signer, also when signing the decision.
    await expect(
      failedWith(
        approver.call('POST', `/api/v1/catalogs/${id}/approval`, {
          decision: 'APPROVE',
          approver: { name: 'R', personalNumber: PRINCIPAL.personalNumber },
          endUserIp: '192.0.2.5',
        }),
      ),
    ).resolves.toMatchObject({
      status: 422,
      body: { errors: [expect.objectContaining({ code: 'approver_is_signer' })] },
    });
    await expect(
      failedWith(
        approver.call('POST', `/api/v1/catalogs/${id}/approval`, {
          decision: 'APPROVE',
          approver: { name: 'H' },
        }),
      ),
    ).resolves.toMatchObject({ status: 422 });

    const started = await approver.call<{
      signingSession: { sessionId: string; purpose: string; status: string; qrData: string };
    }>('POST', `/api/v1/catalogs/${id}/approval`, {
      decision: 'APPROVE',
      approver: { name: 'Handläggare Hansson', personalNumber: APPROVER_PN },
      comment: 'Granskad',
      endUserIp: '192.0.2.5',
    });
    expect(started.status).toBe(202);
    expect(started.body.signingSession).toMatchObject({ purpose: 'APPROVAL', status: 'PENDING' });
    let view = started.body.signingSession;
    while (view.status === 'PENDING') {
      await sleep(100);
      view = (await approver.call<typeof view>('GET', `/api/v1/signing-sessions/${view.sessionId}`)).body;
    }
    expect(view.status).toBe('COMPLETE');
    const done = (await waitForStatus(sas, id, ['DELIVERING', 'COMPLETED'])) as unknown as CatalogBody;
    expect(done.approval).toEqual([expect.objectContaining({ decision: 'APPROVE' })]);
    const [row] = await hub.db.query<{ approver_personal_number: string; verification: { valid: boolean } }>(
      'select approver_personal_number, verification from approvals where catalog_id = $1',
      [id],
    );
    expect(row).toMatchObject({ approver_personal_number: APPROVER_PN, verification: { valid: true } });
    await waitForStatus(sas, id, ['COMPLETED']);
  });

  it('the API client that submitted a catalog may not approve it', async () => {
    const id = await submitted(sasAndApprover);
    for (const person of [TEACHER, PRINCIPAL]) await signAs(sasAndApprover, id, person.personalNumber, 100);
    await waitForStatus(sasAndApprover, id, ['AWAITING_APPROVAL']);
    await expect(
      failedWith(
        sasAndApprover.call('POST', `/api/v1/catalogs/${id}/approval`, {
          decision: 'APPROVE',
          approver: { name: 'H', personalNumber: APPROVER_PN },
          endUserIp: '192.0.2.5',
        }),
      ),
    ).resolves.toMatchObject({ status: 403 });
  });

  it('reminders and a passed deadline are reported to the SAS; the catalog is kept, not dropped', async () => {
    const id = await submitted(sas);
    const deadline = Date.now() + 15_000;
    let body: CatalogBody;
    for (;;) {
      body = (await sas.call<CatalogBody>('GET', `/api/v1/catalogs/${id}`)).body;
      if (body.timeline.some((e) => e.type === 'signing.deadlinePassed')) break;
      if (Date.now() > deadline) throw new Error('no deadline report');
      await sleep(200);
    }
    expect(body.status).toBe('AWAITING_SIGNATURE');
    expect(body.signing.overdue).toBe(true);
    const reminder = body.timeline.find((e) => e.type === 'signing.reminder');
    expect(reminder?.data).toMatchObject({ number: 1, missingSignatures: 2 });
    expect(body.timeline.filter((e) => e.type === 'signing.deadlinePassed')).toHaveLength(1);
    const until = Date.now() + 10_000;
    while (receiver.received.filter((r) => r.body.catalogId === id).length < 2 && Date.now() < until)
      await sleep(100);
    const hooks = receiver.received.filter((r) => r.body.catalogId === id);
    expect(hooks.map((h) => h.body.type).sort()).toEqual(['signing.deadlinePassed', 'signing.reminder']);
    expect(hooks.every((h) => h.signatureValid)).toBe(true);
    expect(JSON.stringify(hooks.map((h) => h.body))).not.toMatch(/(19|20)\d{10}/);
    // Still signable after the deadline.
    expect((await signAs(sas, id, TEACHER.personalNumber, 100)).status).toBe('COMPLETE');
  });
});
