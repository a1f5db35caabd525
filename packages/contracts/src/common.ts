import { randomBytes } from 'node:crypto';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

const OBJECT_ID = /^[0-9a-f]{24}$/;

export const objectId = z
  .string()
  .regex(OBJECT_ID, 'must be a 24-character lower-case hex id')
  .meta({ example: '665f1c2b9d3e4a0012345678' });

/**
 * A new id: 96 random bits as 24 hex characters, so knowing one id tells nothing about another
 * (ids from a counter led from one's own calendar to others' in a few dozen guesses).
 */
export function generateId(): string {
  return randomBytes(12).toString('hex');
}

/**
 * The canonical spelling of a time zone name, matched case-insensitively, or null when it is
 * not one. Canonical spelling means the same IANA name (zone or link) as the tz database spells
 * it: `america/new_york` → `America/New_York`, `utc` → `UTC`, `asia/calcutta` → `Asia/Calcutta`.
 * A link is never swapped for the zone it points to: ICU's idea of the primary name differs
 * between versions (Node 20's turns `Asia/Kolkata` into `Asia/Calcutta`), and clients get back
 * the name they chose. A name newer than the list below that the runtime's ICU knows is
 * spelled as ICU's canonical name for that zone; anything ICU does not accept is refused.
 */
export function canonicalZone(name: string): string | null {
  const known = zoneNames().get(name.toLowerCase());
  if (known !== undefined) return IANAZone.isValidZone(known) ? known : null;
  if (!IANAZone.isValidZone(name)) return null;
  // Offsets such as `+01:00` are valid to newer ICUs but are not zone names; they resolve to themselves.
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  return zoneNames().get(resolved.toLowerCase()) ?? (supportedZones().has(resolved) ? resolved : null);
}

/** An IANA time zone name, matched case-insensitively; parses to its canonical spelling. */
export const zoneName = z
  .string()
  .max(64)
  .transform((name, ctx) => {
    const canonical = canonicalZone(name);
    if (canonical !== null) return canonical;
    ctx.addIssue({ code: 'custom', message: 'must be a known IANA time zone, e.g. Europe/Berlin', input: name });
    return z.NEVER;
  })
  .meta({
    example: 'Europe/Berlin',
    description:
      'IANA time zone name, matched case-insensitively and kept in its canonical spelling: the tz ' +
      "database's own spelling of that same name (`utc` → `UTC`; a link such as `asia/calcutta` → " +
      '`Asia/Calcutta`, never replaced by the zone it links to)',
  });

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The instant of a string zod has already checked is `YYYY-MM-DDTHH:mm:ss[.s+](Z|±HH:mm)`, or
 * null for a day the month does not have (which Date.parse would roll over into the next).
 * Parsing every booking's two instants with luxon was a tenth of the booking service's time.
 */
function realInstant(value: string): number | null {
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (days === undefined || day < 1 || day > days) return null;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? null : millis;
}

/** An ISO-8601 instant that carries an offset or `Z`; a bare local time is refused. */
export const instantInput = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 instant with an offset or Z' })
  .transform((value, context) => {
    const millis = realInstant(value);
    if (millis !== null) return new Date(millis);
    context.addIssue({ code: 'custom', message: 'is not a real date and time', input: value });
    return z.NEVER;
  });

/**
 * Instants in query strings: a `+` offset sent unencoded arrives as a space; read it back
 * rather than refusing a request every shell user will make.
 */
export const instantQuery = z.preprocess(
  (value) => (typeof value === 'string' ? value.replace(/ (\d{2}:?\d{2})$/, '+$1') : value),
  instantInput,
);

export const instantOutput = z.string().meta({
  format: 'date-time',
  description: 'UTC with Z, or in the `tz` zone of the request with its offset',
});

export const isoDate = z.iso
  .date('must be a date YYYY-MM-DD')
  .refine((value) => DateTime.fromISO(value).isValid, 'is not a real date');

const WALL_CLOCK = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
export const wallClock = z
  .string()
  .regex(WALL_CLOCK, 'must be a 24-hour time HH:mm between 00:00 and 24:00')
  .meta({ example: '09:00' });

export const DAYS_OF_WEEK = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const dayOfWeek = z.enum(DAYS_OF_WEEK);
export type DayOfWeek = z.infer<typeof dayOfWeek>;

/**
 * What the HTML standard's `<input type=email>` accepts (its "valid email address" grammar),
 * with at least one dot in the domain: `sales=eu@example.com`, `ivan@xn--e1afmkfd.xn--p1ai`.
 * zod's own email check refused such real addresses. Surrounding white space is dropped, as the
 * browser does; the address is stored lower-cased.
 */
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;

export const email = z
  .string()
  .trim()
  .max(254)
  .regex(EMAIL, 'must be a valid email address')
  .transform((value) => value.toLowerCase())
  .meta({ example: 'ann@example.com' });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /\p{Cc}/u;
/** Control characters but tab, line feed and a carriage return that ends a line (CRLF). */
const CONTROL_IN_MULTILINE = /(?![\t\n]|\r\n)\p{Cc}/u;

/**
 * A line of text (a name, a title): trimmed, `min`–`max` long, without control characters or
 * unpaired UTF-16 surrogates, which end up in emails, calendar files and logs.
 */
export const singleLineText = (min: number, max: number) =>
  z
    .string()
    .refine((value) => !CONTROL.test(value), 'must not contain control characters')
    .refine((value) => !LONE_SURROGATE.test(value), 'must not contain unpaired UTF-16 surrogates')
    .trim()
    .min(min)
    .max(max);

/** Free text (notes): like singleLineText, but line breaks and tabs are allowed. */
export const multilineText = (max: number) =>
  z
    .string()
    .refine(
      (value) => !CONTROL_IN_MULTILINE.test(value),
      'must not contain control characters other than tab and line breaks',
    )
    .refine((value) => !LONE_SURROGATE.test(value), 'must not contain unpaired UTF-16 surrogates')
    .trim()
    .max(max);

/**
 * An optional input field. `null` means the same as leaving it out ("what a GET returns can be
 * sent back as it is"); both parse to `undefined`, so the field's type stays `T | undefined`.
 * Not for PATCH fields where `null` clears a value: use `schema.nullable().optional()` there.
 */
export const optionalInput = <T extends z.ZodType>(schema: T) =>
  schema
    .nullish()
    .transform((value): z.output<T> | undefined => value ?? undefined)
    .optional();

/**
 * An optional input field with a default: left out, `undefined` or `null`, it parses to what
 * `fallback` parses to. (A prefault, not a default: zod leaves a default out of the JSON Schema
 * of a field that transforms, and a prefault is an input value, so the docs show it.)
 */
export const inputWithDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  schema
    .nullable()
    .transform((value): z.output<T> => value ?? schema.parse(fallback))
    .prefault(fallback);

export const minutes = (max: number) => z.number().int('must be whole minutes').min(0).max(max);

/** `?tz=` on every GET that returns instants; parses to the zone's canonical spelling. */
export const tzQuery = z.object({ tz: zoneName.optional() });

export const intervalOutput = z.object({ start_time: instantOutput, end_time: instantOutput });

export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem document (application/problem+json)' });
export type Problem = z.infer<typeof problem>;

let lowerCaseZoneNames: Map<string, string> | undefined;
let icuZones: Set<string> | undefined;

const zoneNames = (): Map<string, string> =>
  (lowerCaseZoneNames ??= new Map(
    IANA_ZONE_NAMES.trim()
      .split('\n')
      .flatMap((line) => {
        const [first = '', ...rest] = line.split(' ');
        return first.endsWith('/') ? rest.map((leaf) => first + leaf) : [first, ...rest];
      })
      .map((name) => [name.toLowerCase(), name]),
  ));

const supportedZones = (): Set<string> => (icuZones ??= new Set(Intl.supportedValuesOf('timeZone')));

/**
 * Every zone and link name of the tz database (2025b, `Factory` left out), as it spells them.
 * A line that starts with `Area/` lists names in that area. Kept here, not read from the system's
 * zoneinfo, which containers often lack; a newer name still works through ICU (see canonicalZone).
 */
const IANA_ZONE_NAMES = `
Africa/ Abidjan Accra Addis_Ababa Algiers Asmara Asmera Bamako Bangui Banjul Bissau Blantyre Brazzaville
Africa/ Bujumbura Cairo Casablanca Ceuta Conakry Dakar Dar_es_Salaam Djibouti Douala El_Aaiun Freetown Gaborone
Africa/ Harare Johannesburg Juba Kampala Khartoum Kigali Kinshasa Lagos Libreville Lome Luanda Lubumbashi Lusaka
Africa/ Malabo Maputo Maseru Mbabane Mogadishu Monrovia Nairobi Ndjamena Niamey Nouakchott Ouagadougou
Africa/ Porto-Novo Sao_Tome Timbuktu Tripoli Tunis Windhoek
America/ Adak Anchorage Anguilla Antigua Araguaina Aruba Asuncion Atikokan Atka Bahia Bahia_Banderas Barbados
America/ Belem Belize Blanc-Sablon Boa_Vista Bogota Boise Buenos_Aires Cambridge_Bay Campo_Grande Cancun Caracas
America/ Catamarca Cayenne Cayman Chicago Chihuahua Ciudad_Juarez Coral_Harbour Cordoba Costa_Rica Coyhaique
America/ Creston Cuiaba Curacao Danmarkshavn Dawson Dawson_Creek Denver Detroit Dominica Edmonton Eirunepe
America/ El_Salvador Ensenada Fort_Nelson Fort_Wayne Fortaleza Glace_Bay Godthab Goose_Bay Grand_Turk Grenada
America/ Guadeloupe Guatemala Guayaquil Guyana Halifax Havana Hermosillo Indianapolis Inuvik Iqaluit Jamaica
America/ Jujuy Juneau Knox_IN Kralendijk La_Paz Lima Los_Angeles Louisville Lower_Princes Maceio Managua Manaus
America/ Marigot Martinique Matamoros Mazatlan Mendoza Menominee Merida Metlakatla Mexico_City Miquelon Moncton
America/ Monterrey Montevideo Montreal Montserrat Nassau New_York Nipigon Nome Noronha Nuuk Ojinaga Panama
America/ Pangnirtung Paramaribo Phoenix Port-au-Prince Port_of_Spain Porto_Acre Porto_Velho Puerto_Rico
America/ Punta_Arenas Rainy_River Rankin_Inlet Recife Regina Resolute Rio_Branco Rosario Santa_Isabel Santarem
America/ Santiago Santo_Domingo Sao_Paulo Scoresbysund Shiprock Sitka St_Barthelemy St_Johns St_Kitts St_Lucia
America/ St_Thomas St_Vincent Swift_Current Tegucigalpa Thule Thunder_Bay Tijuana Toronto Tortola Vancouver
America/ Virgin Whitehorse Winnipeg Yakutat Yellowknife
America/Argentina/ Buenos_Aires Catamarca ComodRivadavia Cordoba Jujuy La_Rioja Mendoza Rio_Gallegos Salta
America/Argentina/ San_Juan San_Luis Tucuman Ushuaia
America/Indiana/ Indianapolis Knox Marengo Petersburg Tell_City Vevay Vincennes Winamac
America/Kentucky/ Louisville Monticello
America/North_Dakota/ Beulah Center New_Salem
Antarctica/ Casey Davis DumontDUrville Macquarie Mawson McMurdo Palmer Rothera South_Pole Syowa Troll Vostok
Arctic/ Longyearbyen
Asia/ Aden Almaty Amman Anadyr Aqtau Aqtobe Ashgabat Ashkhabad Atyrau Baghdad Bahrain Baku Bangkok Barnaul
Asia/ Beirut Bishkek Brunei Calcutta Chita Choibalsan Chongqing Chungking Colombo Dacca Damascus Dhaka Dili
Asia/ Dubai Dushanbe Famagusta Gaza Harbin Hebron Ho_Chi_Minh Hong_Kong Hovd Irkutsk Istanbul Jakarta Jayapura
Asia/ Jerusalem Kabul Kamchatka Karachi Kashgar Kathmandu Katmandu Khandyga Kolkata Krasnoyarsk Kuala_Lumpur
Asia/ Kuching Kuwait Macao Macau Magadan Makassar Manila Muscat Nicosia Novokuznetsk Novosibirsk Omsk Oral
Asia/ Phnom_Penh Pontianak Pyongyang Qatar Qostanay Qyzylorda Rangoon Riyadh Saigon Sakhalin Samarkand Seoul
Asia/ Shanghai Singapore Srednekolymsk Taipei Tashkent Tbilisi Tehran Tel_Aviv Thimbu Thimphu Tokyo Tomsk
Asia/ Ujung_Pandang Ulaanbaatar Ulan_Bator Urumqi Ust-Nera Vientiane Vladivostok Yakutsk Yangon Yekaterinburg
Asia/ Yerevan
Atlantic/ Azores Bermuda Canary Cape_Verde Faeroe Faroe Jan_Mayen Madeira Reykjavik South_Georgia St_Helena
Atlantic/ Stanley
Australia/ ACT Adelaide Brisbane Broken_Hill Canberra Currie Darwin Eucla Hobart LHI Lindeman Lord_Howe
Australia/ Melbourne NSW North Perth Queensland South Sydney Tasmania Victoria West Yancowinna
Brazil/ Acre DeNoronha East West
CET CST6CDT Cuba EET EST EST5EDT Egypt Eire GB GB-Eire GMT GMT+0 GMT-0 GMT0 Greenwich HST Hongkong Iceland Iran
Israel Jamaica Japan Kwajalein Libya MET MST MST7MDT NZ NZ-CHAT Navajo PRC PST8PDT Poland Portugal ROC ROK
Singapore Turkey UCT UTC Universal W-SU WET Zulu
Canada/ Atlantic Central Eastern Mountain Newfoundland Pacific Saskatchewan Yukon
Chile/ Continental EasterIsland
Etc/ GMT GMT+0 GMT+1 GMT+10 GMT+11 GMT+12 GMT+2 GMT+3 GMT+4 GMT+5 GMT+6 GMT+7 GMT+8 GMT+9 GMT-0 GMT-1 GMT-10
Etc/ GMT-11 GMT-12 GMT-13 GMT-14 GMT-2 GMT-3 GMT-4 GMT-5 GMT-6 GMT-7 GMT-8 GMT-9 GMT0 Greenwich UCT UTC
Etc/ Universal Zulu
Europe/ Amsterdam Andorra Astrakhan Athens Belfast Belgrade Berlin Bratislava Brussels Bucharest Budapest
Europe/ Busingen Chisinau Copenhagen Dublin Gibraltar Guernsey Helsinki Isle_of_Man Istanbul Jersey Kaliningrad
Europe/ Kiev Kirov Kyiv Lisbon Ljubljana London Luxembourg Madrid Malta Mariehamn Minsk Monaco Moscow Nicosia
Europe/ Oslo Paris Podgorica Prague Riga Rome Samara San_Marino Sarajevo Saratov Simferopol Skopje Sofia
Europe/ Stockholm Tallinn Tirane Tiraspol Ulyanovsk Uzhgorod Vaduz Vatican Vienna Vilnius Volgograd Warsaw
Europe/ Zagreb Zaporozhye Zurich
Indian/ Antananarivo Chagos Christmas Cocos Comoro Kerguelen Mahe Maldives Mauritius Mayotte Reunion
Mexico/ BajaNorte BajaSur General
Pacific/ Apia Auckland Bougainville Chatham Chuuk Easter Efate Enderbury Fakaofo Fiji Funafuti Galapagos Gambier
Pacific/ Guadalcanal Guam Honolulu Johnston Kanton Kiritimati Kosrae Kwajalein Majuro Marquesas Midway Nauru
Pacific/ Niue Norfolk Noumea Pago_Pago Palau Pitcairn Pohnpei Ponape Port_Moresby Rarotonga Saipan Samoa Tahiti
Pacific/ Tarawa Tongatapu Truk Wake Wallis Yap
US/ Alaska Aleutian Arizona Central East-Indiana Eastern Hawaii Indiana-Starke Michigan Mountain Pacific Samoa
`;
