-- Made by the code of commit 78a781a (storage schema v1, before the « etape » column), for
-- tests/test_store_migration.py: pg_dump --inserts of a store holding the demo and one edit.
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: current_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.current_version (
    id integer NOT NULL,
    version_id integer NOT NULL,
    CONSTRAINT ck_current_version_single CHECK ((id = 1))
);


--
-- Name: version_rows; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.version_rows (
    version_id integer NOT NULL,
    "position" integer NOT NULL,
    code character varying(40) NOT NULL,
    type character varying(20) NOT NULL,
    nom text NOT NULL,
    membres text NOT NULL,
    levels json NOT NULL,
    date_dialogue character varying(10) NOT NULL,
    notes text NOT NULL,
    contact text NOT NULL,
    extras json NOT NULL
);


--
-- Name: versions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.versions (
    id integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    author character varying(200) NOT NULL,
    comment text NOT NULL,
    kind character varying(20) NOT NULL,
    is_demo boolean NOT NULL,
    meta json NOT NULL,
    column_order json NOT NULL,
    n_territories integer NOT NULL,
    parent_id integer,
    CONSTRAINT ck_versions_kind CHECK (((kind)::text = ANY ((ARRAY['initial'::character varying, 'import'::character varying, 'edition'::character varying, 'restauration'::character varying])::text[])))
);


--
-- Name: versions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.versions_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: versions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.versions_id_seq OWNED BY public.versions.id;


--
-- Name: versions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.versions ALTER COLUMN id SET DEFAULT nextval('public.versions_id_seq'::regclass);


--
-- Data for Name: current_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.current_version VALUES (1, 2);


--
-- Data for Name: version_rows; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.version_rows VALUES (1, 0, '04116', 'commune', '', '', '{"L1": 1, "L2": 0, "L3": 0, "L4": 3}', '2026-02-07', 'Premier atelier de diagnostic partagé réalisé ; suites à programmer.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 1, '14098', 'commune', '', '', '{"L1": 2, "L2": 0, "L3": 0, "L4": 0}', '2025-11-05', 'Coopération engagée avec les acteurs de l''économie sociale et solidaire.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 2, '25126', 'commune', '', '', '{"L1": 1, "L2": 0, "L3": 0, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 3, '2B096', 'commune', '', '', '{"L1": 0, "L2": 0, "L3": 1, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 4, '45085', 'commune', '', '', '{"L1": 1, "L2": 1, "L3": 2, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 5, '60700', 'commune', '', '', '{"L1": 1, "L2": 2, "L3": 0, "L4": 2}', '2025-01-12', 'Coopération engagée avec les acteurs de l''économie sociale et solidaire.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 6, '72182', 'commune', '', '', '{"L1": 0, "L2": 1, "L3": 2, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 7, '77432', 'commune', '', '', '{"L1": 1, "L2": 1, "L3": 0, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 8, '200023125', 'epci', '', '', '{"L1": 2, "L2": 1, "L3": 1, "L4": 2}', '2025-08-10', 'Premier atelier de diagnostic partagé réalisé ; suites à programmer.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 9, '200033090', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 1, "L4": 3}', '2024-09-11', 'Atelier de co-construction organisé avec les partenaires locaux.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 10, '200036135', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 11, '200040772', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 2, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 12, '200041440', 'epci', '', '', '{"L1": 2, "L2": 0, "L3": 0, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 13, '200043321', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 0, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 14, '200066116', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 1, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 15, '200066975', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 1, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 16, '200067023', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 1, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 17, '200069656', 'epci', '', '', '{"L1": 2, "L2": 1, "L3": 1, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 18, '200070340', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 1, "L4": 2}', '2026-04-08', 'Dialogue de gouvernance mené avec les élus et les acteurs économiques.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 19, '200071074', 'epci', '', '', '{"L1": 1, "L2": 2, "L3": 1, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 20, '200071579', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 21, '200072882', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 1}', '2025-08-29', 'Dialogue de gouvernance mené avec les élus et les acteurs économiques.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 22, '200085728', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 23, '240800920', 'epci', '', '', '{"L1": 3, "L2": 2, "L3": 0, "L4": 2}', '2024-10-01', 'Dialogue de gouvernance mené avec les élus et les acteurs économiques.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 24, '245300223', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 25, '246500482', 'epci', '', '', '{"L1": 2, "L2": 0, "L3": 0, "L4": 2}', '2026-05-20', 'Restitution des enseignements prévue devant l''assemblée délibérante.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 26, '248100745', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 2}', '2026-06-30', 'Coopération engagée avec les acteurs de l''économie sociale et solidaire.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 27, '248400319', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 28, 'PETR-LANGRES', 'groupement', 'Pôle d''équilibre territorial et rural du Pays de Langres', '200027308 200072999 200070332', '{"L1": 2, "L2": 0, "L3": 1, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 29, '97302', 'commune', '', '', '{"L1": 1, "L2": 2, "L3": 2, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 30, '23', 'departement', '', '', '{"L1": 2, "L2": 1, "L3": 0, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 31, '48', 'departement', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 32, '200017846', 'epci', '', '', '{"L1": 3, "L2": 2, "L3": 2, "L4": 2}', '2026-01-06', 'Dialogue de gouvernance mené avec les élus et les acteurs économiques.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 33, '200023778', 'epci', '', '', '{"L1": 2, "L2": 0, "L3": 1, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 34, '200040244', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 2, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 35, '200060457', 'epci', '', '', '{"L1": 0, "L2": 1, "L3": 1, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 36, '200066876', 'epci', '', '', '{"L1": 0, "L2": 2, "L3": 2, "L4": 2}', '2025-06-16', 'Restitution des enseignements prévue devant l''assemblée délibérante.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 37, '200067114', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 1, "L4": 3}', '2025-10-01', 'Dialogue de gouvernance mené avec les élus et les acteurs économiques.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 38, '200067551', 'epci', '', '', '{"L1": 1, "L2": 0, "L3": 1, "L4": 2}', '2024-09-07', 'Restitution des enseignements prévue devant l''assemblée délibérante.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 39, '200067825', 'epci', '', '', '{"L1": 0, "L2": 2, "L3": 0, "L4": 0}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 40, '200069052', 'epci', '', '', '{"L1": 1, "L2": 0, "L3": 2, "L4": 2}', '2024-11-12', 'Atelier de co-construction organisé avec les partenaires locaux.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 41, '200070514', 'epci', '', '', '{"L1": 2, "L2": 0, "L3": 0, "L4": 2}', '2025-04-10', 'Atelier de co-construction organisé avec les partenaires locaux.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 42, '200071066', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 0, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 43, '200071082', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 44, '200071454', 'epci', '', '', '{"L1": 2, "L2": 2, "L3": 0, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 45, '200073344', 'epci', '', '', '{"L1": 1, "L2": 3, "L3": 3, "L4": 0}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 46, '240200477', 'epci', '', '', '{"L1": 1, "L2": 0, "L3": 1, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 47, '241100593', 'epci', '', '', '{"L1": 2, "L2": 0, "L3": 1, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 48, '242010056', 'epci', '', '', '{"L1": 3, "L2": 0, "L3": 1, "L4": 3}', '2025-06-02', 'Dialogue mené avec les services, les associations et les entreprises du territoire.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 49, '243600327', 'epci', '', '', '{"L1": 2, "L2": 1, "L3": 0, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 50, '246100663', 'epci', '', '', '{"L1": 2, "L2": 2, "L3": 0, "L4": 0}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 51, '247700594', 'epci', '', '', '{"L1": 2, "L2": 1, "L3": 2, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 52, '248000531', 'epci', '', '', '{"L1": 2, "L2": 1, "L3": 2, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 53, '248200099', 'epci', '', '', '{"L1": 1, "L2": 2, "L3": 1, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 54, '248300493', 'epci', '', '', '{"L1": 3, "L2": 1, "L3": 1, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 55, '07', 'departement', '', '', '{"L1": 1, "L2": 3, "L3": 3, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 56, '971', 'departement', '', '', '{"L1": 3, "L2": 1, "L3": 2, "L4": 3}', '2026-01-18', 'Atelier de co-construction organisé avec les partenaires locaux.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 57, '200030195', 'epci', '', '', '{"L1": 0, "L2": 2, "L3": 3, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 58, '200058485', 'epci', '', '', '{"L1": 1, "L2": 3, "L3": 1, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 59, '200059889', 'epci', '', '', '{"L1": 3, "L2": 2, "L3": 3, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 60, '200084952', 'epci', '', '', '{"L1": 2, "L2": 2, "L3": 2, "L4": 1}', '2024-12-24', 'Dialogue mené avec les services, les associations et les entreprises du territoire.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 61, '242100410', 'epci', '', '', '{"L1": 3, "L2": 1, "L3": 2, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 62, '243400017', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 1, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 63, '243700754', 'epci', '', '', '{"L1": 2, "L2": 2, "L3": 2, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 44, '200071454', 'epci', '', '', '{"L1": 2, "L2": 2, "L3": 0, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 64, '244400404', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 1, "L4": 0}', '2024-11-17', 'Coopération engagée avec les acteurs de l''économie sociale et solidaire.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 65, '244900015', 'epci', '', '', '{"L1": 2, "L2": 2, "L3": 1, "L4": 2}', '2025-12-10', 'Dialogue de gouvernance mené avec les élus et les acteurs économiques.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 66, '246200364', 'epci', '', '', '{"L1": 3, "L2": 3, "L3": 2, "L4": 0}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 67, '246300701', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 1, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 68, '246700488', 'epci', '', '', '{"L1": 2, "L2": 3, "L3": 0, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 69, '248719312', 'epci', '', '', '{"L1": 2, "L2": 2, "L3": 0, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 70, '02', 'region', '', '', '{"L1": 2, "L2": 2, "L3": 2, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 71, '38', 'departement', '', '', '{"L1": 2, "L2": 1, "L3": 1, "L4": 0}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 72, '57', 'departement', '', '', '{"L1": 2, "L2": 3, "L3": 3, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 73, '974', 'departement', '', '', '{"L1": 2, "L2": 2, "L3": 2, "L4": 0}', '2026-04-17', 'Atelier de co-construction organisé avec les partenaires locaux.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 74, '200046977', 'epci', '', '', '{"L1": 1, "L2": 3, "L3": 3, "L4": 2}', '2026-04-11', 'Coopération engagée avec les acteurs de l''économie sociale et solidaire.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 75, '200054781', 'epci', '', '', '{"L1": 1, "L2": 3, "L3": 3, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 76, '200054807', 'epci', '', '', '{"L1": 3, "L2": 2, "L3": 2, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (1, 77, '200093201', 'epci', '', '', '{"L1": 0, "L2": 3, "L3": 3, "L4": 1}', '2026-01-09', 'Premier atelier de diagnostic partagé réalisé ; suites à programmer.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 78, '243100518', 'epci', '', '', '{"L1": 3, "L2": 2, "L3": 1, "L4": 1}', '2026-06-20', 'Premier atelier de diagnostic partagé réalisé ; suites à programmer.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 79, '243300316', 'epci', '', '', '{"L1": 3, "L2": 3, "L3": 2, "L4": 3}', '2025-08-15', 'Coopération engagée avec les acteurs de l''économie sociale et solidaire.', '', '{}');
INSERT INTO public.version_rows VALUES (1, 80, '53', 'region', '', '', '{"L1": 2, "L2": 2, "L3": 2, "L4": 1}', '2026-01-31', 'Premier atelier de diagnostic partagé réalisé ; suites à programmer.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 0, '04116', 'commune', '', '', '{"L1": 1, "L2": 0, "L3": 0, "L4": 3}', '2026-02-07', 'Premier atelier de diagnostic partagé réalisé ; suites à programmer.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 1, '14098', 'commune', '', '', '{"L1": 2, "L2": 0, "L3": 0, "L4": 0}', '2025-11-05', 'Coopération engagée avec les acteurs de l''économie sociale et solidaire.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 2, '25126', 'commune', '', '', '{"L1": 1, "L2": 0, "L3": 0, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 3, '2B096', 'commune', '', '', '{"L1": 3, "L2": 0, "L3": 1, "L4": 3}', '', 'Version 2 : niveau relevé', '', '{}');
INSERT INTO public.version_rows VALUES (2, 4, '45085', 'commune', '', '', '{"L1": 1, "L2": 1, "L3": 2, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 5, '60700', 'commune', '', '', '{"L1": 1, "L2": 2, "L3": 0, "L4": 2}', '2025-01-12', 'Coopération engagée avec les acteurs de l''économie sociale et solidaire.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 6, '72182', 'commune', '', '', '{"L1": 0, "L2": 1, "L3": 2, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 7, '77432', 'commune', '', '', '{"L1": 1, "L2": 1, "L3": 0, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 8, '200023125', 'epci', '', '', '{"L1": 2, "L2": 1, "L3": 1, "L4": 2}', '2025-08-10', 'Premier atelier de diagnostic partagé réalisé ; suites à programmer.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 9, '200033090', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 1, "L4": 3}', '2024-09-11', 'Atelier de co-construction organisé avec les partenaires locaux.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 10, '200036135', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 11, '200040772', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 2, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 12, '200041440', 'epci', '', '', '{"L1": 2, "L2": 0, "L3": 0, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 13, '200043321', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 0, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 14, '200066116', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 1, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 15, '200066975', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 1, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 16, '200067023', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 1, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 17, '200069656', 'epci', '', '', '{"L1": 2, "L2": 1, "L3": 1, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 18, '200070340', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 1, "L4": 2}', '2026-04-08', 'Dialogue de gouvernance mené avec les élus et les acteurs économiques.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 19, '200071074', 'epci', '', '', '{"L1": 1, "L2": 2, "L3": 1, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 20, '200071579', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 21, '200072882', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 1}', '2025-08-29', 'Dialogue de gouvernance mené avec les élus et les acteurs économiques.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 22, '200085728', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 23, '240800920', 'epci', '', '', '{"L1": 3, "L2": 2, "L3": 0, "L4": 2}', '2024-10-01', 'Dialogue de gouvernance mené avec les élus et les acteurs économiques.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 24, '245300223', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 25, '246500482', 'epci', '', '', '{"L1": 2, "L2": 0, "L3": 0, "L4": 2}', '2026-05-20', 'Restitution des enseignements prévue devant l''assemblée délibérante.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 26, '248100745', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 2}', '2026-06-30', 'Coopération engagée avec les acteurs de l''économie sociale et solidaire.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 27, '248400319', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 28, 'PETR-LANGRES', 'groupement', 'Pôle d''équilibre territorial et rural du Pays de Langres', '200027308 200072999 200070332', '{"L1": 2, "L2": 0, "L3": 1, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 29, '97302', 'commune', '', '', '{"L1": 1, "L2": 2, "L3": 2, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 30, '23', 'departement', '', '', '{"L1": 2, "L2": 1, "L3": 0, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 31, '48', 'departement', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 32, '200017846', 'epci', '', '', '{"L1": 3, "L2": 2, "L3": 2, "L4": 2}', '2026-01-06', 'Dialogue de gouvernance mené avec les élus et les acteurs économiques.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 33, '200023778', 'epci', '', '', '{"L1": 2, "L2": 0, "L3": 1, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 34, '200040244', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 2, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 35, '200060457', 'epci', '', '', '{"L1": 0, "L2": 1, "L3": 1, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 36, '200066876', 'epci', '', '', '{"L1": 0, "L2": 2, "L3": 2, "L4": 2}', '2025-06-16', 'Restitution des enseignements prévue devant l''assemblée délibérante.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 37, '200067114', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 1, "L4": 3}', '2025-10-01', 'Dialogue de gouvernance mené avec les élus et les acteurs économiques.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 38, '200067551', 'epci', '', '', '{"L1": 1, "L2": 0, "L3": 1, "L4": 2}', '2024-09-07', 'Restitution des enseignements prévue devant l''assemblée délibérante.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 39, '200067825', 'epci', '', '', '{"L1": 0, "L2": 2, "L3": 0, "L4": 0}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 40, '200069052', 'epci', '', '', '{"L1": 1, "L2": 0, "L3": 2, "L4": 2}', '2024-11-12', 'Atelier de co-construction organisé avec les partenaires locaux.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 41, '200070514', 'epci', '', '', '{"L1": 2, "L2": 0, "L3": 0, "L4": 2}', '2025-04-10', 'Atelier de co-construction organisé avec les partenaires locaux.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 42, '200071066', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 0, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 43, '200071082', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 0, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 45, '200073344', 'epci', '', '', '{"L1": 1, "L2": 3, "L3": 3, "L4": 0}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 46, '240200477', 'epci', '', '', '{"L1": 1, "L2": 0, "L3": 1, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 47, '241100593', 'epci', '', '', '{"L1": 2, "L2": 0, "L3": 1, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 48, '242010056', 'epci', '', '', '{"L1": 3, "L2": 0, "L3": 1, "L4": 3}', '2025-06-02', 'Dialogue mené avec les services, les associations et les entreprises du territoire.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 49, '243600327', 'epci', '', '', '{"L1": 2, "L2": 1, "L3": 0, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 50, '246100663', 'epci', '', '', '{"L1": 2, "L2": 2, "L3": 0, "L4": 0}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 51, '247700594', 'epci', '', '', '{"L1": 2, "L2": 1, "L3": 2, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 52, '248000531', 'epci', '', '', '{"L1": 2, "L2": 1, "L3": 2, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 53, '248200099', 'epci', '', '', '{"L1": 1, "L2": 2, "L3": 1, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 54, '248300493', 'epci', '', '', '{"L1": 3, "L2": 1, "L3": 1, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 55, '07', 'departement', '', '', '{"L1": 1, "L2": 3, "L3": 3, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 56, '971', 'departement', '', '', '{"L1": 3, "L2": 1, "L3": 2, "L4": 3}', '2026-01-18', 'Atelier de co-construction organisé avec les partenaires locaux.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 57, '200030195', 'epci', '', '', '{"L1": 0, "L2": 2, "L3": 3, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 58, '200058485', 'epci', '', '', '{"L1": 1, "L2": 3, "L3": 1, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 59, '200059889', 'epci', '', '', '{"L1": 3, "L2": 2, "L3": 3, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 60, '200084952', 'epci', '', '', '{"L1": 2, "L2": 2, "L3": 2, "L4": 1}', '2024-12-24', 'Dialogue mené avec les services, les associations et les entreprises du territoire.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 61, '242100410', 'epci', '', '', '{"L1": 3, "L2": 1, "L3": 2, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 62, '243400017', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 1, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 63, '243700754', 'epci', '', '', '{"L1": 2, "L2": 2, "L3": 2, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 64, '244400404', 'epci', '', '', '{"L1": 0, "L2": 0, "L3": 1, "L4": 0}', '2024-11-17', 'Coopération engagée avec les acteurs de l''économie sociale et solidaire.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 65, '244900015', 'epci', '', '', '{"L1": 2, "L2": 2, "L3": 1, "L4": 2}', '2025-12-10', 'Dialogue de gouvernance mené avec les élus et les acteurs économiques.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 66, '246200364', 'epci', '', '', '{"L1": 3, "L2": 3, "L3": 2, "L4": 0}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 67, '246300701', 'epci', '', '', '{"L1": 1, "L2": 1, "L3": 1, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 68, '246700488', 'epci', '', '', '{"L1": 2, "L2": 3, "L3": 0, "L4": 1}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 69, '248719312', 'epci', '', '', '{"L1": 2, "L2": 2, "L3": 0, "L4": 3}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 70, '02', 'region', '', '', '{"L1": 2, "L2": 2, "L3": 2, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 71, '38', 'departement', '', '', '{"L1": 2, "L2": 1, "L3": 1, "L4": 0}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 72, '57', 'departement', '', '', '{"L1": 2, "L2": 3, "L3": 3, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 73, '974', 'departement', '', '', '{"L1": 2, "L2": 2, "L3": 2, "L4": 0}', '2026-04-17', 'Atelier de co-construction organisé avec les partenaires locaux.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 74, '200046977', 'epci', '', '', '{"L1": 1, "L2": 3, "L3": 3, "L4": 2}', '2026-04-11', 'Coopération engagée avec les acteurs de l''économie sociale et solidaire.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 75, '200054781', 'epci', '', '', '{"L1": 1, "L2": 3, "L3": 3, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 76, '200054807', 'epci', '', '', '{"L1": 3, "L2": 2, "L3": 2, "L4": 2}', '', '', '', '{}');
INSERT INTO public.version_rows VALUES (2, 77, '200093201', 'epci', '', '', '{"L1": 0, "L2": 3, "L3": 3, "L4": 1}', '2026-01-09', 'Premier atelier de diagnostic partagé réalisé ; suites à programmer.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 78, '243100518', 'epci', '', '', '{"L1": 3, "L2": 2, "L3": 1, "L4": 1}', '2026-06-20', 'Premier atelier de diagnostic partagé réalisé ; suites à programmer.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 79, '243300316', 'epci', '', '', '{"L1": 3, "L2": 3, "L3": 2, "L4": 3}', '2025-08-15', 'Coopération engagée avec les acteurs de l''économie sociale et solidaire.', '', '{}');
INSERT INTO public.version_rows VALUES (2, 80, '53', 'region', '', '', '{"L1": 2, "L2": 2, "L3": 2, "L4": 1}', '2026-01-31', 'Premier atelier de diagnostic partagé réalisé ; suites à programmer.', '', '{}');


--
-- Data for Name: versions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.versions VALUES (1, '2026-12-02 03:34:41.297121+00', 'Application', 'Programme de démonstration chargé au premier démarrage.', 'initial', true, '{"statut": "demonstration", "description": "Programme de d\u00e9monstration : 81 territoires r\u00e9els, niveaux d''activation des leviers illustratifs (g\u00e9n\u00e9r\u00e9s par scripts/make_demo.py)."}', '{"levers": ["L1", "L2", "L3", "L4"], "extras": []}', 81, NULL);
INSERT INTO public.versions VALUES (2, '2026-12-02 03:34:41.331087+00', 'Camille (schéma v1)', 'Corte : L1 à 3', 'edition', true, '{"statut": "demonstration", "description": "Programme de d\u00e9monstration : 81 territoires r\u00e9els, niveaux d''activation des leviers illustratifs (g\u00e9n\u00e9r\u00e9s par scripts/make_demo.py)."}', '{"levers": ["L1", "L2", "L3", "L4"], "extras": []}', 81, 1);


--
-- Name: versions_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.versions_id_seq', 2, true);


--
-- Name: current_version current_version_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.current_version
    ADD CONSTRAINT current_version_pkey PRIMARY KEY (id);


--
-- Name: version_rows version_rows_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.version_rows
    ADD CONSTRAINT version_rows_pkey PRIMARY KEY (version_id, "position");


--
-- Name: versions versions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.versions
    ADD CONSTRAINT versions_pkey PRIMARY KEY (id);


--
-- Name: current_version current_version_version_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.current_version
    ADD CONSTRAINT current_version_version_id_fkey FOREIGN KEY (version_id) REFERENCES public.versions(id);


--
-- Name: version_rows version_rows_version_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.version_rows
    ADD CONSTRAINT version_rows_version_id_fkey FOREIGN KEY (version_id) REFERENCES public.versions(id);


--
-- Name: versions versions_parent_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.versions
    ADD CONSTRAINT versions_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.versions(id);


--
-- PostgreSQL database dump complete
--


