import { describeErrorForLog, maskPersonalNumbers } from './logger';

describe('log hygiene', () => {
  it('masks personal numbers in every written form, also glued to letters', () => {
    expect(maskPersonalNumbers('pn 199001032391, 900103-2391 and x199001032391y')).toBe(
      'pn 19900103-****, 900103-**** and x19900103-****y',
    );
    expect(maskPersonalNumbers('order 1234567 of 2026')).toBe('order 1234567 of 2026');
  });

  it('logs a database error by class and SQL state, never its message with the values', () => {
    const error = Object.assign(new Error("insert into \"catalog_entries\" values ('Ebba', 'Öberg', 'A')"), {
      name: 'NotNullConstraintViolationException',
      code: '23502',
    });
    expect(describeErrorForLog(error)).toBe('NotNullConstraintViolationException (23502)');
    expect(describeErrorForLog(new Error('archive.io: disk full'))).toBe('archive.io: disk full');
  });
});
