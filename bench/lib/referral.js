'use strict';
/**
 * The referral the benches send: a s.136 referral from the police, as a referrer sends it, of the person given
 * (no NHS number: a new person each time their names or date of birth differ), the person detained `minutesAgo`.
 * @param {{ givenName: string, familyName: string, dateOfBirth: string }} person
 * @param {number} [minutesAgo]
 */
function s136Referral(person, minutesAgo = 60) {
  return {
    person,
    source: 'police-s136',
    referrer: { name: 'PC Bench', organisation: 'Northshire Police', phone: '+44 1632 960111' },
    reason: 'Found on the bridge in distress, detained under s.136',
    risks: { toSelf: true, toOthers: false, fromOthers: false, flags: [] },
    urgency: 'emergency',
    legalContext: {
      kind: 's136',
      placeOfSafetyType: 'health-based',
      locationType: 'public-place',
      arrivedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    },
    location: 'Northshire General health-based place of safety',
  };
}

module.exports = { s136Referral };
