"""Demo pledge texts in the six UN languages, where the title, the description and the target agree.

Each action is one commitment written once per language: a title, and a description following the
template sentence of a pledge ("[pledger] commits to [action] in [countries] reaching [target] by
[date]"). The number in the text is the pledge's target value; a policy or advocacy action has a
milestone with its date instead of a number. Country names come from CLDR (Babel) in the pledge's
language. Every organization and person is fictional.
"""

# ruff: noqa: E501 - the texts are data: one line per language reads best, and CJK lines count wide.
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal

LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")

# The languages pledges are written in, by ITU region of the lead organization (the rest English).
_REGION_LANGUAGE = {"ARB": ("ar", 0.6), "CIS": ("ru", 0.6), "AMS": ("es", 0.5), "ASP": ("zh", 0.08)}
_FRENCH = {"SEN", "CIV", "MLI", "BFA", "NER", "TCD", "CMR", "GAB", "COG", "COD", "BEN", "TGO", "GIN", "MDG", "BDI",
           "CAF", "COM", "DJI", "HTI", "FRA", "BEL", "CHE", "LUX", "MCO", "MRT", "TUN", "MAR", "DZA"}
_ENGLISH_AMS = {"USA", "CAN", "JAM", "TTO", "BHS", "BRB", "GUY", "BLZ", "BRA"}


def language_for(rng: random.Random, country: str | None, region: str | None) -> str:
    """The language a lead organization from this country writes its pledge in."""
    if country in ("CHN", "SGP"):
        return "zh" if rng.random() < 0.8 else "en"
    if country == "RUS":
        return "ru" if rng.random() < 0.8 else "en"
    if country in _FRENCH:
        return "fr" if rng.random() < 0.6 else "en"
    if country in ("ESP", "MEX", "ARG", "COL", "PER", "CHL"):
        return "es" if rng.random() < 0.7 else "en"
    if region == "AMS" and country in _ENGLISH_AMS:
        return "en"
    lang, share = _REGION_LANGUAGE.get(region or "", ("en", 1.0))
    return lang if rng.random() < share else "en"


@dataclass(frozen=True)
class Action:
    """One commitment: the indicator its number counts (None: a milestone), its range, and its texts."""

    indicator: str | None
    low: int
    high: int
    milestone: str | None  # law, policy, strategy, other
    texts: dict  # lang -> (title, description); placeholders {lead} {n} {place} {year}


_A = Action
ACTIONS: dict[str, list[Action]] = {
    "connect": [
        _A("schools_connected", 50, 2500, None, {
            "en": ("Broadband for {n} schools in {place}",
                   "{lead} commits to connect {n} public schools to broadband in {place} by {year}."),
            "fr": ("Le haut débit pour {n} écoles ({place})",
                   "{lead} s'engage à raccorder {n} écoles publiques au haut débit d'ici {year}. Pays visés : {place}."),
            "es": ("Banda ancha para {n} escuelas ({place})",
                   "{lead} se compromete a conectar {n} escuelas públicas a la banda ancha antes de {year}. "
                   "Países: {place}."),
            "ar": ("النطاق العريض لـ {n} مدرسة ({place})",
                   "تلتزم {lead} بربط {n} مدرسة عامة بالنطاق العريض بحلول عام {year}. البلدان المستهدفة: {place}."),
            "ru": ("Широкополосный доступ для {n} школ ({place})",
                   "{lead} обязуется подключить {n} государственных школ к широкополосному доступу к {year} году. "
                   "Страны: {place}."),
            "zh": ("为{n}所学校接入宽带（{place}）", "{lead}承诺在{year}年前将{n}所公立学校接入宽带。目标国家：{place}。"),
        }),
        _A("people_connected", 10_000, 2_000_000, None, {
            "en": ("Mobile broadband for {n} rural people in {place}",
                   "{lead} commits to extend 4G coverage to {n} people in rural areas of {place} by {year}."),
            "fr": ("Le haut débit mobile pour {n} habitants ruraux ({place})",
                   "{lead} s'engage à étendre la couverture 4G à {n} habitants des zones rurales d'ici {year}. "
                   "Pays visés : {place}."),
            "es": ("Banda ancha móvil para {n} personas rurales ({place})",
                   "{lead} se compromete a extender la cobertura 4G a {n} personas de zonas rurales antes de {year}. "
                   "Países: {place}."),
            "ar": ("النطاق العريض المتنقل لـ {n} من سكان الريف ({place})",
                   "تلتزم {lead} بتوسيع تغطية الجيل الرابع لتشمل {n} شخص في المناطق الريفية بحلول عام {year}. "
                   "البلدان المستهدفة: {place}."),
            "ru": ("Мобильный интернет для {n} сельских жителей ({place})",
                   "{lead} обязуется обеспечить покрытием 4G {n} жителей сельских районов к {year} году. "
                   "Страны: {place}."),
            "zh": ("为{n}名农村居民提供移动宽带（{place}）", "{lead}承诺在{year}年前将4G网络覆盖扩展到{n}名农村居民。目标国家：{place}。"),
        }),
        _A("sites_deployed", 10, 500, None, {
            "en": ("{n} community network sites in {place}",
                   "{lead} commits to deploy {n} solar-powered community network sites in {place} by {year}."),
            "fr": ("{n} sites de réseaux communautaires ({place})",
                   "{lead} s'engage à déployer {n} sites de réseaux communautaires alimentés à l'énergie solaire "
                   "d'ici {year}. Pays visés : {place}."),
            "es": ("{n} sitios de redes comunitarias ({place})",
                   "{lead} se compromete a instalar {n} sitios de redes comunitarias con energía solar antes de "
                   "{year}. Países: {place}."),
            "ar": ("{n} موقعًا للشبكات المجتمعية ({place})",
                   "تلتزم {lead} بإنشاء {n} موقعًا للشبكات المجتمعية تعمل بالطاقة الشمسية بحلول عام {year}. "
                   "البلدان المستهدفة: {place}."),
            "ru": ("{n} узлов местных сетей ({place})",
                   "{lead} обязуется развернуть {n} узлов местных сетей на солнечной энергии к {year} году. "
                   "Страны: {place}."),
            "zh": ("建设{n}个社区网络站点（{place}）", "{lead}承诺在{year}年前建设{n}个太阳能供电的社区网络站点。目标国家：{place}。"),
        }),
    ],
    "empower": [
        _A("people_trained", 1_000, 200_000, None, {
            "en": ("Digital skills for {n} people in {place}",
                   "{lead} commits to train {n} people in basic and intermediate digital skills in {place} "
                   "by {year}."),
            "fr": ("Des compétences numériques pour {n} personnes ({place})",
                   "{lead} s'engage à former {n} personnes aux compétences numériques de base et intermédiaires "
                   "d'ici {year}. Pays visés : {place}."),
            "es": ("Competencias digitales para {n} personas ({place})",
                   "{lead} se compromete a formar a {n} personas en competencias digitales básicas e intermedias "
                   "antes de {year}. Países: {place}."),
            "ar": ("مهارات رقمية لـ {n} شخص ({place})",
                   "تلتزم {lead} بتدريب {n} شخص على المهارات الرقمية الأساسية والمتوسطة بحلول عام {year}. "
                   "البلدان المستهدفة: {place}."),
            "ru": ("Цифровые навыки для {n} человек ({place})",
                   "{lead} обязуется обучить {n} человек базовым и средним цифровым навыкам к {year} году. "
                   "Страны: {place}."),
            "zh": ("为{n}人提供数字技能培训（{place}）", "{lead}承诺在{year}年前为{n}人提供基础和中级数字技能培训。目标国家：{place}。"),
        }),
        _A("women_trained", 500, 50_000, None, {
            "en": ("{n} women and girls trained in digital skills in {place}",
                   "{lead} commits to train {n} women and girls in digital skills in {place} by {year}."),
            "fr": ("{n} femmes et filles formées au numérique ({place})",
                   "{lead} s'engage à former {n} femmes et filles aux compétences numériques d'ici {year}. "
                   "Pays visés : {place}."),
            "es": ("{n} mujeres y niñas formadas en competencias digitales ({place})",
                   "{lead} se compromete a formar a {n} mujeres y niñas en competencias digitales antes de {year}. "
                   "Países: {place}."),
            "ar": ("تدريب {n} من النساء والفتيات على المهارات الرقمية ({place})",
                   "تلتزم {lead} بتدريب {n} من النساء والفتيات على المهارات الرقمية بحلول عام {year}. "
                   "البلدان المستهدفة: {place}."),
            "ru": ("Цифровые навыки для {n} женщин и девочек ({place})",
                   "{lead} обязуется обучить цифровым навыкам {n} женщин и девочек к {year} году. Страны: {place}."),
            "zh": ("为{n}名妇女和女童提供数字技能培训（{place}）", "{lead}承诺在{year}年前为{n}名妇女和女童提供数字技能培训。目标国家：{place}。"),
        }),
    ],
    "ecosystems": [
        _A("smes_supported", 50, 5_000, None, {
            "en": ("Support for {n} digital start-ups and SMEs in {place}",
                   "{lead} commits to support {n} digital start-ups and small businesses in {place} by {year}."),
            "fr": ("Soutien à {n} jeunes pousses et PME du numérique ({place})",
                   "{lead} s'engage à accompagner {n} jeunes pousses et petites entreprises du numérique d'ici "
                   "{year}. Pays visés : {place}."),
            "es": ("Apoyo a {n} empresas emergentes y pymes digitales ({place})",
                   "{lead} se compromete a apoyar a {n} empresas emergentes y pequeñas empresas digitales antes de "
                   "{year}. Países: {place}."),
            "ar": ("دعم {n} من الشركات الناشئة والصغيرة الرقمية ({place})",
                   "تلتزم {lead} بدعم {n} من الشركات الناشئة والمؤسسات الصغيرة الرقمية بحلول عام {year}. "
                   "البلدان المستهدفة: {place}."),
            "ru": ("Поддержка {n} цифровых стартапов и МСП ({place})",
                   "{lead} обязуется поддержать {n} цифровых стартапов и малых предприятий к {year} году. "
                   "Страны: {place}."),
            "zh": ("支持{n}家数字初创企业和中小企业（{place}）", "{lead}承诺在{year}年前支持{n}家数字初创企业和小企业。目标国家：{place}。"),
        }),
        _A("services_digitalized", 5, 200, None, {
            "en": ("{n} public services online in {place}",
                   "{lead} commits to put {n} public services online in {place} by {year}."),
            "fr": ("{n} services publics en ligne ({place})",
                   "{lead} s'engage à mettre en ligne {n} services publics d'ici {year}. Pays visés : {place}."),
            "es": ("{n} servicios públicos en línea ({place})",
                   "{lead} se compromete a ofrecer en línea {n} servicios públicos antes de {year}. Países: {place}."),
            "ar": ("{n} خدمة عامة عبر الإنترنت ({place})",
                   "تلتزم {lead} بإتاحة {n} خدمة عامة عبر الإنترنت بحلول عام {year}. البلدان المستهدفة: {place}."),
            "ru": ("{n} государственных услуг онлайн ({place})",
                   "{lead} обязуется перевести в онлайн {n} государственных услуг к {year} году. Страны: {place}."),
            "zh": ("{n}项公共服务上线（{place}）", "{lead}承诺在{year}年前将{n}项公共服务转为在线办理。目标国家：{place}。"),
        }),
    ],
    "investment": [
        _A("people_connected", 50_000, 5_000_000, None, {
            "en": ("Financing to connect {n} people in {place}",
                   "{lead} commits to mobilize blended finance to connect {n} people in {place} by {year}."),
            "fr": ("Un financement pour connecter {n} personnes ({place})",
                   "{lead} s'engage à mobiliser des financements mixtes pour connecter {n} personnes d'ici {year}. "
                   "Pays visés : {place}."),
            "es": ("Financiación para conectar a {n} personas ({place})",
                   "{lead} se compromete a movilizar financiación combinada para conectar a {n} personas antes de "
                   "{year}. Países: {place}."),
            "ar": ("تمويل لربط {n} شخص ({place})",
                   "تلتزم {lead} بحشد تمويل مختلط لربط {n} شخص بالإنترنت بحلول عام {year}. البلدان المستهدفة: {place}."),
            "ru": ("Финансирование для подключения {n} человек ({place})",
                   "{lead} обязуется привлечь смешанное финансирование для подключения {n} человек к {year} году. "
                   "Страны: {place}."),
            "zh": ("为连接{n}人提供融资（{place}）", "{lead}承诺在{year}年前筹集混合融资，连接{n}人。目标国家：{place}。"),
        }),
    ],
}

# Policy and advocacy pledges: a milestone with a date instead of a number.
MILESTONES: list[Action] = [
    _A(None, 0, 0, "strategy", {
        "en": ("National broadband plan for {place}",
               "{lead} commits to launch a national broadband plan for {place} by {year}."),
        "fr": ("Plan national haut débit ({place})",
               "{lead} s'engage à lancer un plan national pour le haut débit d'ici {year}. Pays visé : {place}."),
        "es": ("Plan nacional de banda ancha ({place})",
               "{lead} se compromete a lanzar un plan nacional de banda ancha antes de {year}. País: {place}."),
        "ar": ("خطة وطنية للنطاق العريض ({place})",
               "تلتزم {lead} بإطلاق خطة وطنية للنطاق العريض بحلول عام {year}. البلد المستهدف: {place}."),
        "ru": ("Национальный план развития широкополосного доступа ({place})",
               "{lead} обязуется принять национальный план развития широкополосного доступа к {year} году. "
               "Страна: {place}."),
        "zh": ("国家宽带计划（{place}）", "{lead}承诺在{year}年前启动国家宽带计划。目标国家：{place}。"),
    }),
    _A(None, 0, 0, "law", {
        "en": ("Universal service law for {place}",
               "{lead} commits to have a law on universal service funding adopted in {place} by {year}."),
        "fr": ("Loi sur le service universel ({place})",
               "{lead} s'engage à faire adopter une loi sur le financement du service universel d'ici {year}. "
               "Pays visé : {place}."),
        "es": ("Ley de servicio universal ({place})",
               "{lead} se compromete a lograr la aprobación de una ley de financiación del servicio universal "
               "antes de {year}. País: {place}."),
        "ar": ("قانون الخدمة الشاملة ({place})",
               "تلتزم {lead} باعتماد قانون بشأن تمويل الخدمة الشاملة بحلول عام {year}. البلد المستهدف: {place}."),
        "ru": ("Закон об универсальной услуге ({place})",
               "{lead} обязуется добиться принятия закона о финансировании универсальной услуги к {year} году. "
               "Страна: {place}."),
        "zh": ("普遍服务法（{place}）", "{lead}承诺在{year}年前推动通过关于普遍服务资金的法律。目标国家：{place}。"),
    }),
    _A(None, 0, 0, "policy", {
        "en": ("Affordable devices policy for {place}",
               "{lead} commits to publish a policy that lowers taxes on entry-level smartphones in {place} "
               "by {year}."),
        "fr": ("Politique pour des terminaux abordables ({place})",
               "{lead} s'engage à publier une politique réduisant les taxes sur les smartphones d'entrée de gamme "
               "d'ici {year}. Pays visé : {place}."),
        "es": ("Política de dispositivos asequibles ({place})",
               "{lead} se compromete a publicar una política que reduzca los impuestos a los teléfonos "
               "inteligentes básicos antes de {year}. País: {place}."),
        "ar": ("سياسة الأجهزة الميسورة التكلفة ({place})",
               "تلتزم {lead} بنشر سياسة تخفض الضرائب على الهواتف الذكية الأساسية بحلول عام {year}. "
               "البلد المستهدف: {place}."),
        "ru": ("Политика доступных устройств ({place})",
               "{lead} обязуется опубликовать политику снижения налогов на недорогие смартфоны к {year} году. "
               "Страна: {place}."),
        "zh": ("平价终端政策（{place}）", "{lead}承诺在{year}年前发布降低入门级智能手机税费的政策。目标国家：{place}。"),
    }),
]

# Pledge types whose demo pledges declare milestones rather than numbers (share of such pledges).
MILESTONE_SHARE = {"policy": 0.8, "advocacy": 0.4}


@lru_cache(maxsize=4096)
def country_name(iso2: str, lang: str) -> str:
    """A country's name in the language (CLDR)."""
    return Locale.parse(lang).territories.get(iso2, iso2)


_WORLD = {"en": "countries worldwide", "fr": "tous les pays", "es": "todos los países", "ar": "جميع البلدان",
          "ru": "все страны", "zh": "全球各国"}
_N_COUNTRIES = {"en": "{n} countries", "fr": "{n} pays", "es": "{n} países", "ar": "{n} بلدًا", "ru": "{n} стран",
                "zh": "{n}个国家"}
_SEPARATOR = {"zh": "、", "ar": "، "}


def place(iso2_codes: list[str], lang: str) -> str:
    """Where, in the language: up to three country names, else their number."""
    if not iso2_codes:
        return _WORLD[lang]
    if len(iso2_codes) <= 3:
        return _SEPARATOR.get(lang, ", ").join(country_name(c, lang) for c in iso2_codes)
    return _N_COUNTRIES[lang].format(n=len(iso2_codes))


def write(action: Action, lang: str, *, lead: str, n: int, iso2_codes: list[str], year: int) -> tuple[str, str]:
    """(title, description) of one pledge, in one language, agreeing with each other."""
    title, description = action.texts[lang]
    values = {"lead": lead, "n": format_decimal(n, locale=lang), "place": place(iso2_codes, lang), "year": year}
    return title.format(**values)[:300], description.format(**values)
