/**
 * BankID's recommended user messages (RFA codes) for hint codes and error codes, in Swedish.
 * Texts follow BankID's "Recommended User Messages" for the RP API; show them verbatim.
 */

export interface BankIdUserMessage {
  code: string;
  text: string;
}

export const RFA_TEXTS = {
  RFA1: 'Starta BankID-appen.',
  RFA3: 'Åtgärden avbruten. Försök igen.',
  RFA4: 'En identifiering eller underskrift för det här personnumret är redan påbörjad. Försök igen.',
  RFA5: 'Internt tekniskt fel. Försök igen.',
  RFA6: 'Åtgärden avbruten.',
  RFA8: 'BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. Om du inte har något giltigt BankID kan du skaffa ett hos din bank. Försök sedan igen.',
  RFA9: 'Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.',
  RFA13: 'Försöker starta BankID-appen.',
  RFA15A:
    'Söker efter BankID, det kan ta en liten stund… Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här datorn. Om du har ett BankID-kort, sätt in det i kortläsaren. Om du inte har något BankID kan du skaffa ett hos din bank. Om du har ett BankID på en annan enhet kan du starta din BankID-app där.',
  RFA15B:
    'Söker efter BankID, det kan ta en liten stund… Om det har gått några sekunder och inget BankID har hittats har du sannolikt inget BankID som går att använda för den aktuella identifieringen/underskriften i den här enheten. Om du inte har något BankID kan du skaffa ett hos din bank. Om du har ett BankID på en annan enhet kan du starta din BankID-app där.',
  RFA16:
    'Det BankID du försöker använda är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank.',
  RFA17A:
    'BankID-appen verkar inte finnas i din dator eller telefon. Installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com.',
  RFA17B:
    'Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden. Kontrollera att BankID-appen är uppdaterad. Om du inte har BankID-appen måste du installera den och skaffa ett BankID hos din bank. Installera appen från din appbutik eller https://install.bankid.com.',
  RFA21: 'Identifiering eller underskrift pågår.',
  RFA22: 'Okänt fel. Försök igen.',
  RFA23: 'Fotografera och läs av din ID-handling med BankID-appen.',
} as const;

export type RfaCode = keyof typeof RFA_TEXTS;

export interface UserMessageContext {
  /** The user scans a QR code (true) or the app is started on the same device (false). Default true. */
  qrCode?: boolean;
  /** The user is on a computer (A texts) rather than a phone/tablet (B texts). Default true. */
  desktop?: boolean;
}

const message = (code: RfaCode): BankIdUserMessage => ({ code, text: RFA_TEXTS[code] });

/** RFA message for a collect status + hint code. Unknown pending → RFA21, unknown failed → RFA22. */
export function userMessageFor(
  status: 'pending' | 'failed' | 'complete',
  hintCode?: string,
  context: UserMessageContext = {},
): BankIdUserMessage {
  const qrCode = context.qrCode ?? true;
  const desktop = context.desktop ?? true;
  if (status === 'complete') {
    return { code: 'COMPLETE', text: 'Klart! Du har skrivit under med BankID.' };
  }
  if (status === 'pending') {
    switch (hintCode) {
      case 'outstandingTransaction':
      case 'noClient':
        return message(qrCode || hintCode === 'noClient' ? 'RFA1' : 'RFA13');
      case 'started':
        return message(desktop ? 'RFA15A' : 'RFA15B');
      case 'userMrtd':
        return message('RFA23');
      case 'userSign':
        return message('RFA9');
      default:
        // includes userCallConfirm and hint codes introduced after this code was written
        return message('RFA21');
    }
  }
  switch (hintCode) {
    case 'expiredTransaction':
      return message('RFA8');
    case 'certificateErr':
      return message('RFA16');
    case 'userCancel':
    case 'userDeclinedCall':
      return message('RFA6');
    case 'cancelled':
      return message('RFA3');
    case 'startFailed':
      return message(qrCode ? 'RFA17B' : 'RFA17A');
    default:
      // includes notSupportedByUserApp, transactionRiskBlocked and unknown failures
      return message('RFA22');
  }
}

/** RFA message for an RP API error code (from a ConnectorError `bankid.<errorCode>`). */
export function userMessageForError(errorCode: string): BankIdUserMessage {
  const code = errorCode.startsWith('bankid.') ? errorCode.slice('bankid.'.length) : errorCode;
  switch (code) {
    case 'alreadyInProgress':
      return message('RFA4');
    case 'requestTimeout':
    case 'maintenance':
    case 'internalError':
    case 'tooManyRequests':
    case 'network':
    case 'timeout':
      return message('RFA5');
    default:
      return message('RFA22');
  }
}
