import { userMessageFor, userMessageForError } from './user-messages';

describe('BankID user messages (RFA)', () => {
  it('maps hint codes to recommended messages', () => {
    expect(userMessageFor('pending', 'outstandingTransaction')).toEqual({
      code: 'RFA1',
      text: 'Starta BankID-appen.',
    });
    expect(userMessageFor('pending', 'outstandingTransaction', { qrCode: false }).code).toBe('RFA13');
    expect(userMessageFor('pending', 'userSign')).toEqual({
      code: 'RFA9',
      text: 'Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.',
    });
    expect(userMessageFor('pending', 'started', { desktop: false }).code).toBe('RFA15B');
    expect(userMessageFor('pending', 'userMrtd').code).toBe('RFA23');
    expect(userMessageFor('failed', 'expiredTransaction').code).toBe('RFA8');
    expect(userMessageFor('failed', 'userCancel').code).toBe('RFA6');
    expect(userMessageFor('failed', 'cancelled').code).toBe('RFA3');
    expect(userMessageFor('failed', 'certificateErr').code).toBe('RFA16');
    expect(userMessageFor('failed', 'startFailed').code).toBe('RFA17B');
    expect(userMessageFor('failed', 'startFailed', { qrCode: false }).code).toBe('RFA17A');
  });

  it('treats unknown codes by status', () => {
    expect(userMessageFor('pending', 'somethingNew').code).toBe('RFA21');
    expect(userMessageFor('failed', 'somethingNew').code).toBe('RFA22');
    expect(userMessageForError('bankid.alreadyInProgress').code).toBe('RFA4');
    expect(userMessageForError('bankid.maintenance').code).toBe('RFA5');
  });
});
